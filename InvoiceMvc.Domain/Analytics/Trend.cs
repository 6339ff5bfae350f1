namespace InvoiceMvc.Domain.Analytics;

/// <summary>A range's buckets, every one present (an empty bucket is a zero, not a gap), and what stands out in them.</summary>
public static class Trend
{
    /// <summary>
    /// Every bucket from <paramref name="start"/> (aligned) up to but excluding <paramref name="end"/>, with
    /// the rolled-up figures where there are any and zeros elsewhere. <paramref name="rows"/> come in
    /// ascending order of start (as the rollup is read); rows outside the range are ignored. One pass, one
    /// array of exactly the range's buckets: a day's minute chart is 1,440 of them on every live refresh.
    /// </summary>
    public static IReadOnlyList<SeriesPoint> Fill(IEnumerable<SeriesPoint> rows, DateTimeOffset start, DateTimeOffset end, Bucket bucket)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var step = Buckets.Length(bucket);
        var first = Buckets.Floor(start, bucket);
        var points = new SeriesPoint[end > first ? (int)Math.Ceiling((end - first) / step) : 0];
        using var row = rows.GetEnumerator();
        var more = row.MoveNext();
        for (var i = 0; i < points.Length; i++)
        {
            var at = first + (step * i);
            while (more && row.Current.Start < at)
            {
                more = row.MoveNext();
            }

            points[i] = new SeriesPoint(at, more && row.Current.Start == at ? row.Current.Totals : PeriodTotals.Zero);
        }

        return points;
    }

    /// <summary>The busiest bucket (most invoices; the earlier on a tie), or null when there were none.</summary>
    public static int? Peak(IReadOnlyList<SeriesPoint> points)
    {
        int? peak = null;
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Totals.Count > 0 && (peak is null || points[i].Totals.Count > points[peak.Value].Totals.Count))
            {
                peak = i;
            }
        }

        return peak;
    }
}
