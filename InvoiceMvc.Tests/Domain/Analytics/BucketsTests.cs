using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Tests.Domain.Analytics;

public sealed class BucketsTests
{
    [Theory]
    [InlineData(1, Bucket.Minute)]
    [InlineData(2, Bucket.Hour)]
    [InlineData(31, Bucket.Hour)]
    [InlineData(32, Bucket.Day)]
    public void Default_FitsTheRange(int days, Bucket expected) => Assert.Equal(expected, Buckets.Default(days));

    [Fact]
    public void Floor_AlignsToTheUtcMinuteHourAndDay_WhateverTheOffset()
    {
        // 01:30:45 at +05:00 is 20:30:45 UTC the day before.
        var at = new DateTimeOffset(2026, 12, 2, 1, 30, 45, TimeSpan.FromHours(5));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 20, 30, 0, TimeSpan.Zero), Buckets.Floor(at, Bucket.Minute));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero), Buckets.Floor(at, Bucket.Hour));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), Buckets.Floor(at, Bucket.Day));
        Assert.Equal(TimeSpan.Zero, Buckets.Floor(at, Bucket.Day).Offset);
    }

    [Fact]
    public void Range_IsWholeUtcDays_AndThePreviousPeriodHasTheSameLength()
    {
        var range = new AnalyticsRange(new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 7));
        Assert.Equal(7, range.Days);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), range.Start);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero), range.End);
        Assert.Equal(new AnalyticsRange(new DateOnly(2026, 2, 22), new DateOnly(2026, 2, 28)), range.Previous);
    }

    [Fact]
    public void Fill_GivesEveryBucketOfTheRange_ZerosWhereNothingWasRolledUp_AndPeakIsTheBusiest()
    {
        var start = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var rows = new[]
        {
            new SeriesPoint(start.AddMinutes(1), new PeriodTotals(3, 30m, 4.5m, 34.5m)),
            new SeriesPoint(start.AddMinutes(3), new PeriodTotals(5, 10m, 1.5m, 11.5m)),
        };
        var points = Trend.Fill(rows, start, start.AddMinutes(5), Bucket.Minute);

        Assert.Equal(5, points.Count);
        Assert.Equal(new long[] { 0, 3, 0, 5, 0 }, points.Select(p => p.Totals.Count));
        Assert.Equal(start.AddMinutes(4), points[4].Start);
        Assert.Equal(3, Trend.Peak(points));
        Assert.Null(Trend.Peak(Trend.Fill([], start, start.AddMinutes(5), Bucket.Minute)));
    }

    [Fact]
    public void Fill_IgnoresRowsOutsideTheRange_AndEndsAtAPartialLastBucket()
    {
        var start = new DateTimeOffset(2026, 3, 1, 10, 0, 30, TimeSpan.Zero); // mid-minute: the first bucket is 10:00
        var rows = new[]
        {
            new SeriesPoint(start.AddMinutes(-5), new PeriodTotals(9, 9m, 1.35m, 10.35m)),
            new SeriesPoint(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), new PeriodTotals(1, 10m, 1.5m, 11.5m)),
            new SeriesPoint(new DateTimeOffset(2026, 3, 1, 10, 2, 0, TimeSpan.Zero), new PeriodTotals(2, 20m, 3m, 23m)),
            new SeriesPoint(new DateTimeOffset(2026, 3, 1, 10, 9, 0, TimeSpan.Zero), new PeriodTotals(7, 70m, 10.5m, 80.5m)),
        };
        var points = Trend.Fill(rows, start, new DateTimeOffset(2026, 3, 1, 10, 2, 1, TimeSpan.Zero), Bucket.Minute);

        Assert.Equal(new long[] { 1, 0, 2 }, points.Select(p => p.Totals.Count));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 2, 0, TimeSpan.Zero), points[^1].Start);
    }
}
