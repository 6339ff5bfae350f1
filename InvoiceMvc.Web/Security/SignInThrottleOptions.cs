using System.ComponentModel.DataAnnotations;

namespace InvoiceMvc.Web.Security;

/// <summary>How failed sign-ins slow down and refuse guessing (docs/decisions/012-sign-in-throttling.md).</summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "SignInThrottle";

    /// <summary>Failures one client may make for one user name before that pair is refused until the window ends.</summary>
    [Range(1, 1000, ErrorMessage = "SignInThrottle:FailuresPerClientAndUser must be between 1 and 1000.")]
    public int FailuresPerClientAndUser { get; set; } = 5;

    /// <summary>Failures one client may make over all user names before it is refused until the window ends.</summary>
    [Range(1, 100_000, ErrorMessage = "SignInThrottle:FailuresPerClient must be between 1 and 100000.")]
    public int FailuresPerClient { get; set; } = 20;

    /// <summary>How long failures are remembered (and a refusal lasts) after the first one.</summary>
    [Range(1, 1440, ErrorMessage = "SignInThrottle:WindowMinutes must be between 1 and 1440.")]
    public int WindowMinutes { get; set; } = 15;

    /// <summary>Failures for one user name, from anyone, before every attempt on it is delayed (never refused).</summary>
    [Range(1, 100_000, ErrorMessage = "SignInThrottle:FailuresPerUserBeforeDelay must be between 1 and 100000.")]
    public int FailuresPerUserBeforeDelay { get; set; } = 10;

    /// <summary>The first delay; it doubles with each further failure up to <see cref="MaxDelayMilliseconds"/>.</summary>
    [Range(1, 60_000, ErrorMessage = "SignInThrottle:DelayMilliseconds must be between 1 and 60000.")]
    public int DelayMilliseconds { get; set; } = 250;

    [Range(1, 60_000, ErrorMessage = "SignInThrottle:MaxDelayMilliseconds must be between 1 and 60000.")]
    public int MaxDelayMilliseconds { get; set; } = 3000;

    public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);
}
