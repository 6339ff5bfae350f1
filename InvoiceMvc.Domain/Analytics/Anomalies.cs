namespace InvoiceMvc.Domain.Analytics;

/// <summary>A bucket far from what its recent past predicts: its value, the moving average and how many standard deviations off.</summary>
public sealed record Anomaly(int Index, decimal Value, decimal MovingAverage, double Deviations)
{
    public bool IsHigh => Value > MovingAverage;
}

/// <summary>Buckets more than <c>k</c> standard deviations from the mean of the previous <c>window</c> buckets.</summary>
public static class Anomalies
{
    public const int Window = 10;
    public const double Threshold = 2.0;

    /// <summary>
    /// Each bucket from the <paramref name="window"/>th on is compared with the mean and (population)
    /// standard deviation of the <paramref name="window"/> before it. Flat history (deviation 0) makes any
    /// different value an anomaly (infinitely many deviations off); the same value is not. Money stays
    /// decimal; only the square root is taken in double (a statistic, never shown as an amount).
    /// </summary>
    public static IReadOnlyList<Anomaly> Detect(IReadOnlyList<decimal> values, int window = Window, double threshold = Threshold)
    {
        ArgumentNullException.ThrowIfNull(values);
        var found = new List<Anomaly>();
        for (var i = window; i < values.Count; i++)
        {
            decimal sum = 0m;
            for (var j = i - window; j < i; j++)
            {
                sum += values[j];
            }

            var mean = sum / window;
            decimal squares = 0m;
            for (var j = i - window; j < i; j++)
            {
                squares += (values[j] - mean) * (values[j] - mean);
            }

            var sd = Math.Sqrt((double)(squares / window));
            var off = (double)Math.Abs(values[i] - mean);
            if (off == 0)
            {
                continue;
            }

            var deviations = sd == 0 ? double.PositiveInfinity : off / sd;
            if (deviations > threshold)
            {
                found.Add(new Anomaly(i, values[i], Math.Round(mean, 2, MidpointRounding.AwayFromZero), deviations));
            }
        }

        return found;
    }
}
