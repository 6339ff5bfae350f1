using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Tests.Domain.Analytics;

public sealed class SharesTests
{
    [Fact]
    public void LargestRemainder_GivesTheMissingTenthsToTheLargestRemainders()
    {
        // Exact: 33.333.., 33.333.., 33.333.. -> floors 33.3 each (99.9), the first gets the missing tenth.
        Assert.Equal(new[] { 33.4m, 33.3m, 33.3m }, Shares.LargestRemainder([1m, 1m, 1m]));
        // 66.666.. and 33.333..: 66.6 + 33.3 = 99.9, the larger remainder (.66) takes the tenth.
        Assert.Equal(new[] { 66.7m, 33.3m }, Shares.LargestRemainder([2m, 1m]));
        Assert.Equal(new[] { 100.0m, 0m }, Shares.LargestRemainder([5m, 0m]));
    }

    [Fact]
    public void LargestRemainder_OfNothing_IsAllZero()
    {
        Assert.Equal(new[] { 0m, 0m }, Shares.LargestRemainder([0m, 0m]));
        Assert.Empty(Shares.LargestRemainder([]));
    }

    [Property(MaxTest = 3000)]
    public Property LargestRemainder_SumsToExactly100_AndEachShareIsWithinATenthOfItsExactValue()
    {
        var cents = Gen.Choose(0, 50_000_000).Select(c => c / 100m);
        var parts = Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(cents, n)).Where(a => a.Sum() > 0);
        return Prop.ForAll(Arb.From(parts), p =>
        {
            var shares = Shares.LargestRemainder(p);
            var whole = p.Sum();
            return shares.Sum() == 100.0m
                && shares.All(s => s >= 0 && decimal.Round(s, 1) == s)
                && shares.Select((s, i) => Math.Abs(s - (p[i] * 100m / whole))).All(d => d < 0.1m);
        });
    }
}
