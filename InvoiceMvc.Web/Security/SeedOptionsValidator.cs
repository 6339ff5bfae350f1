using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

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
