namespace InvoiceMvc.Domain.Analytics;

/// <summary>The width of one point of a trend; the numbers are the rollup's grain column.</summary>
public enum Bucket : short
{
    Minute = 1,
    Hour = 2,
    Day = 3,
}

/// <summary>
/// Bucket arithmetic, always in UTC: a bucket starts at a whole UTC minute, hour or day (the rollups
/// are aligned the same way by the database), so a day bucket is a UTC day whatever the viewer's zone.
/// </summary>
public static class Buckets
{
    /// <summary>The longest range (in days) each bucket may cover: a chart stays at a few thousand buckets at most.</summary>
    public static int MaxDays(Bucket bucket) => bucket switch
    {
        Bucket.Minute => 1,    // 1,440 buckets: a longer minute chart would only be downsampled
        Bucket.Hour => 92,     // 2,208 buckets
        _ => 3_660,            // ten years of days
    };

    /// <summary>What fits a range of <paramref name="days"/> when none is asked for: one day by minute, a month by hour, longer by day.</summary>
    public static Bucket Default(int days) => days <= 1 ? Bucket.Minute : days <= 31 ? Bucket.Hour : Bucket.Day;

    public static TimeSpan Length(Bucket bucket) => bucket switch
    {
        Bucket.Minute => TimeSpan.FromMinutes(1),
        Bucket.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>The start of the UTC bucket holding <paramref name="at"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset at, Bucket bucket)
    {
        var utc = at.UtcDateTime;
        var floored = bucket switch
        {
            Bucket.Minute => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc),
            Bucket.Hour => new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc),
            _ => new DateTime(utc.Year, utc.Month, utc.Day, 0, 0, 0, DateTimeKind.Utc),
        };
        return new DateTimeOffset(floored, TimeSpan.Zero);
    }

    public static string Name(Bucket bucket) => bucket switch
    {
        Bucket.Minute => "minute",
        Bucket.Hour => "hour",
        _ => "day",
    };

    public static Bucket? Parse(string? name) => name switch
    {
        "minute" => Bucket.Minute,
        "hour" => Bucket.Hour,
        "day" => Bucket.Day,
        _ => null,
    };
}
