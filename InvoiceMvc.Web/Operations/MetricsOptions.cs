using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Operations;

/// <summary>
/// Who may scrape /metrics: the bearer token Prometheus sends (`authorization: credentials` in its
/// scrape config). Set, every scrape must carry `Authorization: Bearer &lt;token&gt;`; unset, /metrics
/// is open, which only Development and Testing allow (scripts/run.sh makes one into .data/app).
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Shorter than this is guessable; run.sh makes 32 random characters.</summary>
    public const int MinimumTokenLength = 16;

    public string? BearerToken { get; set; }
}

/// <summary>A token too short, or none outside Development/Testing, stops the app at start-up.</summary>
public sealed class MetricsOptionsValidator(IHostEnvironment environment) : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        if (string.IsNullOrEmpty(options.BearerToken))
        {
            return environment.IsDevelopment() || environment.IsEnvironment("Testing")
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{MetricsOptions.SectionName}:BearerToken is required outside Development (the token Prometheus sends to /metrics; scripts/run.sh makes one into .data/app/metrics.token).");
        }

        return options.BearerToken.Length < MetricsOptions.MinimumTokenLength || options.BearerToken.Any(char.IsWhiteSpace)
            ? ValidateOptionsResult.Fail($"{MetricsOptions.SectionName}:BearerToken must be at least {MetricsOptions.MinimumTokenLength} characters without spaces.")
            : ValidateOptionsResult.Success;
    }
}
