using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>The first accounts, created at start-up when missing. Passwords come from the environment or user-secrets, never the repo.</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    public SeedAccount Admin { get; set; } = new();
    public SeedAccount Operator { get; set; } = new();
}

public sealed class SeedAccount
{
    public string? UserName { get; set; }
    public string? Password { get; set; }
}

/// <summary>Names every missing key at once, so an operator fixes the configuration in one go.</summary>
public sealed class SeedOptionsValidator : IValidateOptions<SeedOptions>
{
    public ValidateOptionsResult Validate(string? name, SeedOptions options)
    {
        var missing = new List<string>();
        Check(options.Admin, "Admin", missing);
        Check(options.Operator, "Operator", missing);
        if (missing.Count > 0)
        {
            return ValidateOptionsResult.Fail(
                $"Missing sign-in accounts: {string.Join(", ", missing)} must be configured (environment variables such as Seed__Admin__Password, or user-secrets).");
        }

        return string.Equals(options.Admin.UserName, options.Operator.UserName, StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail("Seed:Admin:UserName and Seed:Operator:UserName must differ.")
            : ValidateOptionsResult.Success;
    }

    private static void Check(SeedAccount account, string role, List<string> missing)
    {
        if (string.IsNullOrWhiteSpace(account.UserName))
        {
            missing.Add($"Seed:{role}:UserName");
        }

        if (string.IsNullOrWhiteSpace(account.Password))
        {
            missing.Add($"Seed:{role}:Password");
        }
    }
}

/// <summary>Per-client-address limits on sign-in and on START/STOP. Generous by default; tests set low ones.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Range(1, 100_000, ErrorMessage = "RateLimits:SignInPermitLimit must be between 1 and 100000.")]
    public int SignInPermitLimit { get; set; } = 20;

    [Range(1, 100_000, ErrorMessage = "RateLimits:ControlPermitLimit must be between 1 and 100000.")]
    public int ControlPermitLimit { get; set; } = 120;

    [Range(1, 3600, ErrorMessage = "RateLimits:WindowSeconds must be between 1 and 3600.")]
    public int WindowSeconds { get; set; } = 60;
}
