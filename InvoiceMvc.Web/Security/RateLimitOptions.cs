using System.ComponentModel.DataAnnotations;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Per-client-address limits on sign-in, START/STOP, pages and API calls, and concurrent streams. Generous by
/// default; tests set low ones. Kept per instance (in memory): each instance protects its own resources.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Range(1, 100_000, ErrorMessage = "RateLimits:SignInPermitLimit must be between 1 and 100000.")]
    public int SignInPermitLimit { get; set; } = 20;

    [Range(1, 100_000, ErrorMessage = "RateLimits:ControlPermitLimit must be between 1 and 100000.")]
    public int ControlPermitLimit { get; set; } = 120;

    [Range(1, 3600, ErrorMessage = "RateLimits:WindowSeconds must be between 1 and 3600.")]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Pages and API calls (GET /, /invoices, ...) per window; static files, health and /metrics are not counted.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:PagePermitLimit must be between 1 and 1000000.")]
    public int PagePermitLimit { get; set; } = 600;

    /// <summary>
    /// Open SSE streams at once. One tab holds one stream; 20 leaves room for a busy user's tabs and
    /// for several people behind one NAT address, and still fits once a browser shares one stream across tabs.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "RateLimits:StreamsPerClient must be between 1 and 100000.")]
    public int StreamsPerClient { get; set; } = 20;

    /// <summary>
    /// Open SSE connections on this instance, from every client (<see cref="StreamAdmission"/>): the next
    /// one gets 503 with Retry-After. Below ServerLimits:MaxConcurrentConnections (18,000), so pages
    /// and START/STOP still get through when streams are shed.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:StreamsPerInstance must be between 1 and 1000000.")]
    public int StreamsPerInstance { get; set; } = 16_000;

    /// <summary>What a client refused a stream is told to wait before it tries again.</summary>
    [Range(1, 3600, ErrorMessage = "RateLimits:StreamRetryAfterSeconds must be between 1 and 3600.")]
    public int StreamRetryAfterSeconds { get; set; } = 5;
}
