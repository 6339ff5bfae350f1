using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Tests.Web.Dashboard;

public sealed partial class SseFramesTests
{
    [Fact]
    public void EachStreamsRetry_IsDrawnFromOneToThreeSeconds_SoAReconnectStormIsSpread()
    {
        var drawn = Enumerable.Range(0, 2_000).Select(_ => Encoding.ASCII.GetString(SseFrames.Retry().Span)).ToArray();

        var delays = drawn.Select(f => int.Parse(RetryFrame().Match(f).Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(delays, d => Assert.InRange(d, (int)SseFrames.MinRetry.TotalMilliseconds, (int)SseFrames.MaxRetry.TotalMilliseconds));
        // All nine steps of 250 ms turn up in 2,000 draws (each misses with probability (8/9)^2000).
        Assert.Equal(9, delays.Distinct().Count());
        Assert.Equal(1000, delays.Min());
        Assert.Equal(3000, delays.Max());
    }

    [GeneratedRegex(@"^retry: (\d+)\n\n$")]
    private static partial Regex RetryFrame();
}
