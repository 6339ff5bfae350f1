using System.Globalization;
using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Web.Analytics;

/// <summary>A tick on an axis: where (in the SVG's user units) and what it says.</summary>
public sealed record AxisTick(double Position, string Label);

/// <summary>A point marked on the chart (an anomaly, the peak): where, and what a screen reader hears.</summary>
public sealed record ChartMarker(double X, double Y, string Label, bool IsHigh);

/// <summary>Everything the chart partial draws, already in SVG coordinates.</summary>
public sealed record ChartView(
    string Title,
    string RevenuePoints,
    string VatPoints,
    string CountPoints,
    IReadOnlyList<AxisTick> MoneyTicks,
    IReadOnlyList<AxisTick> CountTicks,
    IReadOnlyList<AxisTick> TimeTicks,
    IReadOnlyList<ChartMarker> Anomalies,
    ChartMarker? Peak,
    int PointsShown,
    int PointsTotal)
{
    public bool IsDownsampled => PointsShown < PointsTotal;
}

/// <summary>
/// The trend chart's geometry, pure: two panels on one time axis in a 1000 x 380 viewBox, revenue and
/// VAT (money) above, the invoice count below, each scaled from 0 to a round maximum (1, 2 or 5 x 10^n).
/// The x axis is the whole range (every bucket has its slot, the future ones too), so a live point
/// grows in place and nothing shifts while a run goes on. Above <see cref="Downsampling.MaxPoints"/>
/// buckets only the min/max-per-column points are drawn (extremes kept); markers are on the full series.
/// </summary>
public static class AnalyticsChart
{
    public const double Width = 1000, Height = 380, Left = 80, Right = 20;
    public const double MoneyTop = 20, MoneyBottom = 220, CountTop = 250, CountBottom = 340, TimeAxis = 360;
    public const double PlotWidth = Width - Left - Right;

    /// <param name="points">The buckets so far (from the range's first), one per slot.</param>
    /// <param name="slots">Buckets in the whole range.</param>
    public static ChartView Build(
        string title,
        IReadOnlyList<SeriesPoint> points,
        int slots,
        IReadOnlyList<Anomaly> anomalies,
        int? peak,
        Func<DateTimeOffset, string> timeLabel,
        Func<decimal, string> money,
        Func<long, string> count,
        TimeSpan bucketLength)
    {
        ArgumentNullException.ThrowIfNull(points);
        slots = Math.Max(slots, Math.Max(points.Count, 1));
        var moneyMax = Nice(points.Count == 0 ? 0 : (double)points.Max(p => p.Totals.Total));
        var countMax = Nice(points.Count == 0 ? 0 : points.Max(p => p.Totals.Count));
        var totals = points.Select(p => p.Totals.Total).ToArray();
        var counts = points.Select(p => (decimal)p.Totals.Count).ToArray();
        var kept = Downsampling.MinMax([totals, counts]);

        double Y(double value, double max, double top, double bottom) => bottom - (value / max * (bottom - top));
        string Line(Func<SeriesPoint, double> value, double max, double top, double bottom) =>
            string.Join(' ', kept.Select(i => string.Create(CultureInfo.InvariantCulture, $"{X(i, slots):0.#},{Y(value(points[i]), max, top, bottom):0.#}")));

        var moneyTicks = new[] { 0, 0.5, 1 }.Select(f => new AxisTick(Y(moneyMax * f, moneyMax, MoneyTop, MoneyBottom), money((decimal)(moneyMax * f)))).ToArray();
        var countTicks = new[] { 0, 1.0 }.Select(f => new AxisTick(Y(countMax * f, countMax, CountTop, CountBottom), count((long)(countMax * f)))).ToArray();
        var start = points.Count > 0 ? points[0].Start : DateTimeOffset.UnixEpoch;
        var timeTicks = Enumerable.Range(0, 5).Select(k => k * (slots - 1) / 4).Distinct()
            .Select(i => new AxisTick(X(i, slots), timeLabel(start + (bucketLength * i)))).ToArray();

        var marks = anomalies.Select(a => new ChartMarker(X(a.Index, slots), Y((double)points[a.Index].Totals.Total, moneyMax, MoneyTop, MoneyBottom),
            $"Anomaly at {timeLabel(points[a.Index].Start)}: {money(a.Value)} against a moving average of {money(a.MovingAverage)}", a.IsHigh)).ToArray();
        var peakMark = peak is { } p
            ? new ChartMarker(X(p, slots), Y(points[p].Totals.Count, countMax, CountTop, CountBottom),
                $"Peak at {timeLabel(points[p].Start)}: {count(points[p].Totals.Count)} invoices", true)
            : null;

        return new ChartView(title,
            Line(pt => (double)pt.Totals.Total, moneyMax, MoneyTop, MoneyBottom),
            Line(pt => (double)pt.Totals.Vat, moneyMax, MoneyTop, MoneyBottom),
            Line(pt => pt.Totals.Count, countMax, CountTop, CountBottom),
            moneyTicks, countTicks, timeTicks, marks, peakMark, kept.Count, points.Count);
    }

    /// <summary>The centre of bucket <paramref name="index"/>'s slot.</summary>
    public static double X(int index, int slots) => Left + ((index + 0.5) * PlotWidth / slots);

    /// <summary>The round axis maximum at or above <paramref name="value"/>: 1, 2 or 5 x 10^n (1 for nothing).</summary>
    public static double Nice(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        var f = value / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }
}
