using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>The pacer alone, on exact times. ViewerStateTests check the same rules as a whole stream's schedule.</summary>
public sealed class PacerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Pacer_DueTimesAreAnchored_SoRoundingNeverDrifts()
    {
        var pacer = new Pacer(3);
        var now = T0;
        for (var n = 0; n < 3000; n++)
        {
            now = pacer.NextDue(now);
            pacer.Sent(now);
        }

        // Row 3000 is due exactly 1000 s after the first (3/s has no exact tick length).
        Assert.Equal(T0.AddSeconds(1000), pacer.NextDue(now));
    }

    [Fact]
    public void Pacer_EarnsNoCreditWhileIdle_SoABurstNeverExceedsTheRate()
    {
        var pacer = new Pacer(2);
        Assert.Equal(T0, pacer.NextDue(T0));
        pacer.Sent(T0);
        pacer.Idle();

        // A minute of nothing, then 100 rows at once: they still leave 500 ms apart.
        var later = T0.AddMinutes(1);
        var first = pacer.NextDue(later);
        pacer.Sent(first);
        var second = pacer.NextDue(first);
        Assert.Equal(later, first);
        Assert.Equal(later.AddMilliseconds(500), second);
    }

    [Fact]
    public void Pacer_AfterAShortQuietSpell_WaitsForTheRestOfTheInterval()
    {
        var pacer = new Pacer(2);
        pacer.Sent(pacer.NextDue(T0));
        pacer.Idle();

        Assert.Equal(T0.AddMilliseconds(500), pacer.NextDue(T0.AddMilliseconds(100)));
    }

    [Fact]
    public void Pacer_AStallLongerThanAnInterval_ReanchorsInsteadOfBursting()
    {
        var pacer = new Pacer(2);
        pacer.Sent(pacer.NextDue(T0));
        var stalled = T0.AddSeconds(3);

        var due = pacer.NextDue(stalled);
        pacer.Sent(due);

        Assert.Equal(stalled, due);
        Assert.Equal(stalled.AddMilliseconds(500), pacer.NextDue(stalled));
    }
}
