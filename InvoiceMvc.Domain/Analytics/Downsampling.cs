namespace InvoiceMvc.Domain.Analytics;

/// <summary>Fewer points for a chart without losing what matters in it: the peaks and the troughs.</summary>
public static class Downsampling
{
    public const int MaxPoints = 1_000;

    /// <summary>
    /// The indices to draw of series that share an x axis: all of them up to <paramref name="maxPoints"/>;
    /// above that, the first and the last, and in each of (maxPoints - 2) / (2 x series) equal columns the
    /// minimum and the maximum of every series (min/max per pixel column). Each series' overall minimum
    /// and maximum are thus always kept, as is the order; at most <paramref name="maxPoints"/> indices.
    /// </summary>
    public static IReadOnlyList<int> MinMax(IReadOnlyList<IReadOnlyList<decimal>> series, int maxPoints = MaxPoints)
    {
        ArgumentNullException.ThrowIfNull(series);
        var count = series.Count == 0 ? 0 : series[0].Count;
        if (series.Any(s => s.Count != count))
        {
            throw new ArgumentException("Every series needs one value per bucket.", nameof(series));
        }

        if (count <= maxPoints)
        {
            return Enumerable.Range(0, count).ToArray();
        }

        var columns = Math.Max(1, (maxPoints - 2) / (2 * series.Count));
        var kept = new SortedSet<int> { 0, count - 1 };
        for (var c = 0; c < columns; c++)
        {
            var from = (int)((long)c * count / columns);
            var to = (int)((long)(c + 1) * count / columns);
            foreach (var s in series)
            {
                int min = from, max = from;
                for (var i = from + 1; i < to; i++)
                {
                    if (s[i] < s[min])
                    {
                        min = i;
                    }

                    if (s[i] > s[max])
                    {
                        max = i;
                    }
                }

                kept.Add(min);
                kept.Add(max);
            }
        }

        return kept.ToArray();
    }
}
