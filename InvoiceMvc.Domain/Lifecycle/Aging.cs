namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>
/// Aging: an invoice is <see cref="AgingBucket.Current"/> up to and on its due date, then 1-30, 31-60,
/// 61-90 and over 90 whole days past it. Days are UTC calendar days ("today" is the clock's UTC date),
/// so the buckets an invoice falls in change at 00:00 UTC, for every viewer alike.
/// </summary>
public static class Aging
{
    /// <summary>The buckets in report order (the enum's order).</summary>
    public static readonly IReadOnlyList<AgingBucket> All = Enum.GetValues<AgingBucket>();

    /// <summary>The clock's UTC date: the "today" that due dates are compared with.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>Whole days past due on <paramref name="today"/>: 0 on the due date, negative before it.</summary>
    public static int DaysPastDue(DateOnly dueDate, DateOnly today) => today.DayNumber - dueDate.DayNumber;

    public static AgingBucket BucketOf(DateOnly dueDate, DateOnly today) => DaysPastDue(dueDate, today) switch
    {
        <= 0 => AgingBucket.Current,
        <= 30 => AgingBucket.Days1To30,
        <= 60 => AgingBucket.Days31To60,
        <= 90 => AgingBucket.Days61To90,
        _ => AgingBucket.Over90,
    };

    public static string Label(AgingBucket bucket) => bucket switch
    {
        AgingBucket.Current => "Current",
        AgingBucket.Days1To30 => "1-30 days",
        AgingBucket.Days31To60 => "31-60 days",
        AgingBucket.Days61To90 => "61-90 days",
        AgingBucket.Over90 => "Over 90 days",
        _ => throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "Not an aging bucket."),
    };
}
