using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InvoiceMvc.Domain.Lifecycle;

namespace InvoiceMvc.Tests.Domain.Lifecycle;

public sealed class LineSplitTests
{
    [Property(MaxTest = 3000)]
    public Property Split_SumsExactlyToTheSubtotal_WithEveryLineInRange()
    {
        var input = from cents in Gen.OneOf(Gen.Choose(5, 100), Gen.Choose(5, 50_000_000))
                    from seed in Gen.Choose(int.MinValue, int.MaxValue)
                    select (Subtotal: cents / 100m, Seed: seed);
        return Prop.ForAll(Arb.From(input), x =>
        {
            var lines = LineSplit.Split(x.Subtotal, new Random(x.Seed));
            return lines.Count is >= 1 and <= LineSplit.MaxLines
                && lines.Sum(l => l.Amount) == x.Subtotal
                && lines.Select(l => l.LineNo).SequenceEqual(Enumerable.Range(1, lines.Count))
                && lines.All(l => l.Quantity is >= 1 and <= LineSplit.MaxQuantity
                    && l.UnitPrice >= 0.01m
                    && decimal.Round(l.UnitPrice, 2) == l.UnitPrice
                    && l.Amount == l.Quantity * l.UnitPrice);
        });
    }

    [Property(MaxTest = 500)]
    public Property Split_IsTheSame_ForTheSameChoices()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(5, 500_000)), Arb.From(Gen.Choose(0, int.MaxValue)), (cents, seed) =>
            LineSplit.Split(cents / 100m, new Random(seed)).SequenceEqual(LineSplit.Split(cents / 100m, new Random(seed))));
    }

    [Fact]
    public void Split_OfTheSmallestSubtotalIntoFiveLines_GivesOneCentEach()
    {
        // Always the largest choice: five lines, and the only cuts 0.05 allows.
        var lines = LineSplit.Split(0.05m, (_, max) => max - 1, n => $"P{n}");
        Assert.Equal(5, lines.Count);
        Assert.All(lines, l => Assert.Equal((1, 0.01m, 0.01m), (l.Quantity, l.UnitPrice, l.Amount)));
        Assert.Equal(["P1", "P2", "P3", "P4", "P5"], lines.Select(l => l.Description));
    }

    [Fact]
    public void Split_PicksAQuantityThatDividesThePart()
    {
        // One line (choice 0 -> 1 line), then the largest divisor of 12000 cents in 1..20: 20 x 6.00.
        var lines = LineSplit.Split(120.00m, (min, max) => min == 1 ? 1 : max - 1);
        var line = Assert.Single(lines);
        Assert.Equal((20, 6.00m, 120.00m), (line.Quantity, line.UnitPrice, line.Amount));
    }

    [Theory]
    [InlineData("0.04")]
    [InlineData("1.005")]
    [InlineData("-1")]
    public void Split_Refuses_ASubtotalItCannotSplitExactly(string subtotal)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LineSplit.Split(decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture), new Random(1)));
    }
}
