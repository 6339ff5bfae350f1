using System.Globalization;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>Generation settings for a short run, so a test's run ends in seconds, not AppFactory's default 2 s at 50/s.</summary>
internal static class GenerationSettings
{
    public static Dictionary<string, string?> Fast(int rate, int seconds) => new()
    {
        ["Generation:RatePerSecond"] = rate.ToString(CultureInfo.InvariantCulture),
        ["Generation:DurationSeconds"] = seconds.ToString(CultureInfo.InvariantCulture),
    };
}
