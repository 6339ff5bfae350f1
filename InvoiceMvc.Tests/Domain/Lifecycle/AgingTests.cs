using InvoiceMvc.Domain.Lifecycle;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Domain.Lifecycle;

public sealed class AgingTests
{
    private static readonly DateOnly Due = new(2026, 3, 31);

    [Theory]
    [InlineData(-1, AgingBucket.Current)]
    [InlineData(0, AgingBucket.Current)]      // on the due date: not yet overdue
    [InlineData(1, AgingBucket.Days1To30)]
    [InlineData(30, AgingBucket.Days1To30)]
    [InlineData(31, AgingBucket.Days31To60)]
    [InlineData(60, AgingBucket.Days31To60)]
    [InlineData(61, AgingBucket.Days61To90)]
    [InlineData(90, AgingBucket.Days61To90)]
    [InlineData(91, AgingBucket.Over90)]
    public void TheBucketChanges_AtMidnightUtc_AfterTheBoundaryDay(int daysPastDue, AgingBucket expected)
    {
        // The last instant of the day before and the first of the day itself, on a fake clock.
        var midnight = new DateTimeOffset(Due.AddDays(daysPastDue).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var clock = new FakeTimeProvider(midnight.AddTicks(-1));
        Assert.Equal(daysPastDue - 1, Aging.DaysPastDue(Due, Aging.Today(clock))); // still the day before
        clock.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(expected, Aging.BucketOf(Due, Aging.Today(clock)));
        Assert.Equal(daysPastDue, Aging.DaysPastDue(Due, Aging.Today(clock)));
    }

    [Fact]
    public void TodayIsTheUtcDate_WhateverTheClocksOffset()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 1, 30, 0, TimeSpan.FromHours(3))); // 31 March 22:30 UTC
        Assert.Equal(new DateOnly(2026, 3, 31), Aging.Today(clock));
    }

    [Fact]
    public void Totals_AddEachOpenBalanceToItsBucket_AndSumToAll()
    {
        var today = new DateOnly(2026, 12, 2);
        var totals = new AgingTotals();
        totals.Add(today, today, 100.10m);
        totals.Add(today.AddDays(-1), today, 20.05m);
        totals.Add(today.AddDays(-30), today, 0.01m);
        totals.Add(today.AddDays(-91), today, 7m);

        Assert.Equal(100.10m, totals[AgingBucket.Current]);
        Assert.Equal(20.06m, totals[AgingBucket.Days1To30]);
        Assert.Equal(0m, totals[AgingBucket.Days61To90]);
        Assert.Equal(7m, totals[AgingBucket.Over90]);
        Assert.Equal(127.16m, totals.Total);
        Assert.Throws<ArgumentOutOfRangeException>(() => totals.Add(today, today, -0.01m));
    }
}
