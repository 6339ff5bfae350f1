using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;

namespace InvoiceMvc.Tests.Domain;

public sealed class GenerationScheduleTests
{
    private static readonly DateTimeOffset Anchor = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DueAt_IsAnchorPlusTickOverRate_WithoutDrift()
    {
        var schedule = new GenerationSchedule(Anchor, 5, 1500);

        Assert.Equal(Anchor, schedule.DueAt(0));
        Assert.Equal(Anchor.AddMilliseconds(200), schedule.DueAt(1));
        // The last of 1,500 invoices is due 299.8 s after the first, exactly: no accumulated rounding.
        Assert.Equal(Anchor.AddSeconds(299.8), schedule.DueAt(1499));
    }

    [Fact]
    public void DueAt_ForRatesThatDoNotDivideASecond_StaysWithinOneTickOfExact()
    {
        var schedule = new GenerationSchedule(Anchor, 3, 900);
        Assert.Equal(Anchor.AddSeconds(100), schedule.DueAt(300));
        Assert.True((schedule.DueAt(1) - Anchor).Ticks is 3_333_333);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 1)]       // tick 0 is due at the anchor
    [InlineData(199, 1)]
    [InlineData(200, 2)]
    [InlineData(1000, 6)]
    [InlineData(299_800, 1500)]
    [InlineData(3_600_000, 1500)] // an hour late: still never more than the target
    public void DueCount_CountsTicksDueByNow_CappedAtTarget(int elapsedMs, int expected)
    {
        var schedule = new GenerationSchedule(Anchor, 5, 1500);
        Assert.Equal(expected, schedule.DueCount(Anchor.AddMilliseconds(elapsedMs)));
    }

    [Fact]
    public void DueCount_AgreesWithDueAt_ForEveryTick()
    {
        var schedule = new GenerationSchedule(Anchor, 7, 700);
        for (var n = 0; n < 700; n++)
        {
            Assert.Equal(n + 1, schedule.DueCount(schedule.DueAt(n)));
            Assert.Equal(n, schedule.DueCount(schedule.DueAt(n).AddTicks(-1)));
        }
    }

    [Fact]
    public void AnchorForResume_MakesTheNextTickDueNow()
    {
        var now = Anchor.AddMinutes(10);
        var schedule = new GenerationSchedule(GenerationSchedule.AnchorForResume(now, 600, 5), 5, 1500);

        Assert.Equal(now, schedule.DueAt(600));
        Assert.Equal(now.AddSeconds(179.8), schedule.DueAt(1499));
    }

    [Fact]
    public void Run_ReportsProgressAndTimeLeft()
    {
        var run = new GenerationRun { RatePerSecond = 5, Target = 1500, Produced = 300, Status = RunStatus.Running };

        Assert.Equal(0.2, run.Progress, 6);
        Assert.Equal(TimeSpan.FromSeconds(240), run.Remaining);
        Assert.True(run.IsActive);
    }

    [Fact]
    public void Stats_AverageIsZeroWhenEmpty_AndRoundedOtherwise()
    {
        Assert.Equal(0m, InvoiceStats.Empty.Average);
        Assert.Equal(3.33m, new InvoiceStats(3, 10.00m, 1.30m, 3).Average);
        Assert.Equal(0.67m, new InvoiceStats(3, 2.00m, 0.26m, 3).Average); // 0.666.. -> 0.67
    }
}
