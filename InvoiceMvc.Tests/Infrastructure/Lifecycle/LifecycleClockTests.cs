using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Lifecycle;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

/// <summary>"Today" is the clock's UTC day plus Clock:ShiftDays, turning at 00:00 UTC.</summary>
public sealed class LifecycleClockTests
{
    [Theory]
    [InlineData(0, "2026-03-31", "2026-04-01")]
    [InlineData(45, "2026-05-15", "2026-05-16")]
    [InlineData(-31, "2026-02-28", "2026-03-01")]
    public void Today_IsTheUtcDayPlusTheShift_AndTurnsAtUtcMidnight(int shiftDays, string lastSecond, string midnight)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 23, 59, 59, TimeSpan.Zero));
        var calendar = new LifecycleClock(clock, Options.Create(new ClockOptions { ShiftDays = shiftDays }));

        Assert.Equal(DateOnly.Parse(lastSecond, System.Globalization.CultureInfo.InvariantCulture), calendar.Today);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DateOnly.Parse(midnight, System.Globalization.CultureInfo.InvariantCulture), calendar.Today);
    }
}
