namespace InvoiceMvc.Domain.Analytics;

/// <summary>
/// Whole UTC days from <see cref="From"/> to <see cref="To"/>, both included (the explorer's date
/// filter means the same), so the figures of a range and the explorer's for the same dates agree.
/// </summary>
public sealed record AnalyticsRange(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

    /// <summary>Exclusive: the first moment after the range.</summary>
    public DateTimeOffset End => new(To.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

    /// <summary>The period of the same length just before this one, for growth.</summary>
    public AnalyticsRange Previous => new(From.AddDays(-Days), From.AddDays(-1));

    /// <summary>The default range: today (UTC).</summary>
    public static AnalyticsRange Today(DateTimeOffset now) => new(DateOnly.FromDateTime(now.UtcDateTime), DateOnly.FromDateTime(now.UtcDateTime));
}
