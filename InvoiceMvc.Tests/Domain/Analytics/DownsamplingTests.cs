using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Tests.Domain.Analytics;

public sealed class DownsamplingTests
{
    [Fact]
    public void MinMax_UpToTheLimit_KeepsEveryPoint()
    {
        var values = Enumerable.Range(0, 1_000).Select(i => (decimal)i).ToArray();
        Assert.Equal(1_000, Downsampling.MinMax([values]).Count);
    }

    [Fact]
    public void MinMax_AboveTheLimit_KeepsAtMostTheLimit_InOrder_WithTheExtremesAndTheEnds()
    {
        // A day of minutes: flat with one spike and one dip far apart.
        var values = Enumerable.Range(0, 1_440).Select(i => 10m).ToArray();
        values[123] = 999m;
        values[1_001] = 1m;
        var kept = Downsampling.MinMax([values]);

        Assert.InRange(kept.Count, 2, 1_000);
        Assert.Equal(kept.OrderBy(i => i), kept);
        Assert.Contains(123, kept);
        Assert.Contains(1_001, kept);
        Assert.Equal(0, kept[0]);
        Assert.Equal(1_439, kept[^1]);
    }

    [Property(MaxTest = 300)]
    public Property MinMax_KeepsEverySeriesMinimumAndMaximum()
    {
        var gen = Gen.Choose(1_001, 5_000).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 1_000_000).Select(v => (decimal)v), n)
            .SelectMany(a => Gen.ArrayOf(Gen.Choose(0, 500).Select(v => (decimal)v), n).Select(b => (a, b))));
        return Prop.ForAll(Arb.From(gen), pair =>
        {
            var (a, b) = pair;
            var kept = Downsampling.MinMax([a, b]).ToHashSet();
            return kept.Count <= 1_000
                && kept.Contains(Array.IndexOf(a, a.Max())) && kept.Contains(Array.IndexOf(a, a.Min()))
                && kept.Contains(Array.IndexOf(b, b.Max())) && kept.Contains(Array.IndexOf(b, b.Min()));
        });
    }
}
