using System.ComponentModel.DataAnnotations;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Kestrel's limits, explicit and configurable (docs/operations.md). Connections are bounded by the process's
/// open-files limit (~20,000 here) and by what the streams cost (~17 KB each); requests are small forms.
/// </summary>
public sealed class KestrelLimitsOptions
{
    public const string SectionName = "ServerLimits";

    [Range(1, 1_000_000, ErrorMessage = "ServerLimits:MaxConcurrentConnections must be between 1 and 1000000.")]
    public long MaxConcurrentConnections { get; set; } = 18_000;

    /// <summary>The largest request body: sign-in and START/STOP forms are a few hundred bytes.</summary>
    [Range(1024, 104_857_600, ErrorMessage = "ServerLimits:MaxRequestBodyBytes must be between 1024 and 104857600.")]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    [Range(1024, 1_048_576, ErrorMessage = "ServerLimits:MaxRequestHeadersTotalBytes must be between 1024 and 1048576.")]
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    [Range(1, 1000, ErrorMessage = "ServerLimits:MaxRequestHeaderCount must be between 1 and 1000.")]
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>A body slower than this (after the grace period) is cut with 408: slow-loris bodies hold no connection for long.</summary>
    [Range(1, 1_000_000, ErrorMessage = "ServerLimits:MinRequestBodyBytesPerSecond must be between 1 and 1000000.")]
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    [Range(1, 300, ErrorMessage = "ServerLimits:MinRequestBodyGraceSeconds must be between 1 and 300.")]
    public int MinRequestBodyGraceSeconds { get; set; } = 5;

    [Range(1, 600, ErrorMessage = "ServerLimits:RequestHeadersTimeoutSeconds must be between 1 and 600.")]
    public int RequestHeadersTimeoutSeconds { get; set; } = 30;
}
