namespace InvoiceMvc.Domain.Generation;

/// <summary>
/// A drift-free schedule: tick n (0-based) is due at anchor + n / rate, computed from the anchor
/// each time rather than by adding intervals, so rounding and slow ticks never accumulate.
/// </summary>
public readonly record struct GenerationSchedule(DateTimeOffset Anchor, int RatePerSecond, int Target)
{
    public DateTimeOffset DueAt(long tick)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tick);
        return Anchor + Duration(tick, RatePerSecond);
    }

    /// <summary>
    /// How many ticks are due by <paramref name="now"/> in total (never more than the target):
    /// when the producer has fallen behind, it catches up by producing the difference at once.
    /// </summary>
    public int DueCount(DateTimeOffset now)
    {
        if (now < Anchor)
        {
            return 0;
        }

        // Tick n is due when floor(n * TicksPerSecond / rate) <= elapsed, i.e. n < (elapsed + 1) * rate / TicksPerSecond.
        Int128 elapsed = (now - Anchor).Ticks;
        var due = ((elapsed + 1) * RatePerSecond + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond;
        return (int)Int128.Min(due, Target);
    }

    /// <summary>The anchor that makes tick <paramref name="produced"/> due at <paramref name="now"/>: used to resume a run at its own pace.</summary>
    public static DateTimeOffset AnchorForResume(DateTimeOffset now, int produced, int ratePerSecond) =>
        now - Duration(produced, ratePerSecond);

    public static TimeSpan Duration(long ticks, int ratePerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        return TimeSpan.FromTicks(ticks * TimeSpan.TicksPerSecond / ratePerSecond);
    }
}
