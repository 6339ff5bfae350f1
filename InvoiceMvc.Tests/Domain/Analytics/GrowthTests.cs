using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Tests.Domain.Analytics;

public sealed class GrowthTests
{
    [Theory]
    [InlineData("150", "100", "50.0")]
    [InlineData("50", "100", "-50.0")]
    [InlineData("100", "100", "0.0")]
    [InlineData("0", "100", "-100.0")]
    [InlineData("1", "3", "-66.7")]   // -66.666.. rounds half away from zero at one decimal
    [InlineData("2", "3", "-33.3")]
    public void Percent_IsCurrentMinusPreviousOverPrevious_RoundedToOneDecimal(string current, string previous, string expected)
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Equal(decimal.Parse(expected, c), Growth.Percent(decimal.Parse(current, c), decimal.Parse(previous, c)));
    }

    [Fact]
    public void Percent_FromZero_IsNotAvailable()
    {
        Assert.Null(Growth.Percent(10m, 0m));
        Assert.Null(Growth.Percent(0m, 0m));
    }

    [Property(MaxTest = 2000)]
    public Property Percent_HasTheSignOfTheChange()
    {
        var amounts = Gen.Choose(0, 10_000_000).Select(c => c / 100m);
        return Prop.ForAll(Arb.From(amounts), Arb.From(amounts), (current, previous) =>
        {
            var g = Growth.Percent(current, previous);
            return previous == 0m
                ? g is null
                : g is { } v && v >= -100m && (Math.Sign(v) == Math.Sign(current - previous) || (v == 0m && Math.Abs((current - previous) / previous) < 0.0005m));
        });
    }
}
