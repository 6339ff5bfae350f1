using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Web.Analytics;

namespace InvoiceMvc.Tests.Web.Analytics;

public sealed class AnalyticsChartTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static ChartView Build(IReadOnlyList<SeriesPoint> points, int slots, IReadOnlyList<Anomaly>? anomalies = null, int? peak = null) =>
        AnalyticsChart.Build("t", points, slots, anomalies ?? [], peak, at => at.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            m => m.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), c => c.ToString(System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));

    private static SeriesPoint Point(int minute, long count, decimal total) =>
        new(Start.AddMinutes(minute), new PeriodTotals(count, total / 1.15m, total - (total / 1.15m), total));

    [Fact]
    public void AKnownSeries_IsDrawnAtTheExpectedCoordinates()
    {
        // 3 buckets so far of a 4-slot range: each slot is 900/4 = 225 wide, points at slot centres.
        // Revenue max 100 -> axis 0..100 over y 220..20; count max 4 -> axis 0..5 over y 340..250.
        var chart = Build([Point(0, 0, 0m), Point(1, 2, 50m), Point(2, 4, 100m)], slots: 4);

        Assert.Equal("192.5,220 417.5,120 642.5,20", chart.RevenuePoints);
        Assert.Equal("192.5,340 417.5,304 642.5,268", chart.CountPoints);
        Assert.Equal(new[] { "0.00", "50.00", "100.00" }, chart.MoneyTicks.Select(t => t.Label));
        Assert.Equal(new[] { "0", "5" }, chart.CountTicks.Select(t => t.Label));
        Assert.Equal("10:00", chart.TimeTicks[0].Label);
        Assert.Equal(192.5, chart.TimeTicks[0].Position);
        Assert.False(chart.IsDownsampled);
    }

    [Fact]
    public void MarkersSitOnTheirPoints()
    {
        var points = new[] { Point(0, 1, 10m), Point(1, 4, 100m) };
        var chart = Build(points, 2, [new Anomaly(1, 100m, 10m, 3.0)], peak: 1);

        var mark = Assert.Single(chart.Anomalies);
        Assert.Equal((AnalyticsChart.X(1, 2), 20.0), (mark.X, mark.Y));
        Assert.Contains("10:01", mark.Label, StringComparison.Ordinal);
        Assert.Equal(AnalyticsChart.X(1, 2), chart.Peak!.X);
        Assert.Equal(250.0 + (90.0 * (5 - 4) / 5), chart.Peak.Y, 6);
    }

    [Fact]
    public void AboveAThousandBuckets_TheChartIsDownsampled_AndKeepsTheSpike()
    {
        var points = Enumerable.Range(0, 1_440).Select(i => Point(i, 1, i == 700 ? 5_000m : 10m)).ToArray();
        var chart = Build(points, 1_440);

        Assert.True(chart.IsDownsampled);
        Assert.InRange(chart.PointsShown, 2, 1_000);
        Assert.Equal(chart.PointsShown, chart.RevenuePoints.Split(' ').Length);
        // The spike is at the top of the money axis (max 5,000 -> y 20).
        Assert.Contains(FormattableString.Invariant($"{AnalyticsChart.X(700, 1_440):0.#},20"), chart.RevenuePoints.Split(' '));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.3, 0.5)]
    [InlineData(1, 1)]
    [InlineData(101, 200)]
    [InlineData(4_999, 5_000)]
    [InlineData(5_001, 10_000)]
    public void Nice_RoundsTheAxisUpToOneTwoOrFive(double value, double expected) => Assert.Equal(expected, AnalyticsChart.Nice(value), 9);
}
