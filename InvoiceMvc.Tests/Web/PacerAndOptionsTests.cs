using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Dashboard;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Tests.Web;

public sealed class PacerAndOptionsTests
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

    [Theory]
    [InlineData("Display:Culture", "xx-NOPE", "Display:Culture")]
    [InlineData("Display:Culture", "en", "Display:Culture")]
    [InlineData("Display:Currency", "ZZZ", "Display:Currency")]
    [InlineData("Display:RatePerSecond", "0", "Display:RatePerSecond")]
    public async Task BadDisplaySettings_FailStartUp_NamingTheKey(string key, string value, string named)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
