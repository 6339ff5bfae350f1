namespace InvoiceMvc.Domain.Analytics;

/// <summary>A range's buckets, every one present (an empty bucket is a zero, not a gap), and what stands out in them.</summary>
public static class Trend
{
    /// <summary>
    /// Every bucket from <paramref name="start"/> (aligned) up to but excluding <paramref name="end"/>, with
    /// the rolled-up figures where there are any and zeros elsewhere. Rows outside the range are ignored.
    /// </summary>
    public static IReadOnlyList<SeriesPoint> Fill(IEnumerable<SeriesPoint> rows, DateTimeOffset start, DateTimeOffset end, Bucket bucket)
    {
        var byStart = rows.ToDictionary(r => r.Start.UtcTicks, r => r.Totals);
        var step = Buckets.Length(bucket);
        var points = new List<SeriesPoint>();
        for (var at = Buckets.Floor(start, bucket); at < end; at += step)
        {
            points.Add(new SeriesPoint(at, byStart.GetValueOrDefault(at.UtcTicks)));
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
