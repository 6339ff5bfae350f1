using InvoiceMvc.Domain.Invoices;

namespace InvoiceMvc.Tests.Domain;

public sealed class NumberSearchTests
{
    private static readonly long[] Ids =
    [
        .. Enumerable.Range(1, 5_000).Select(i => (long)i),
        .. Enumerable.Range(0, 3_000).Select(i => 40_000L + i),
        .. Enumerable.Range(0, 300).Select(i => 9_999_850L + i),
        1_000_000, 1_999_999, 12_345_678, 99_999_999, 100_000_000, 420_000_000, 4_200_000_000_000,
    ];

    [Theory]
    [InlineData("INV-0042")]
    [InlineData("inv-0042")]
    [InlineData("-1")]
    [InlineData("v-00")]
    [InlineData("NV-9999999")]
    [InlineData("INV-10000000")]
    [InlineData("INV-12345678")]
    [InlineData("INV-1234567890")]
    [InlineData("INV-0")]
    [InlineData("INV-00000000")]
    [InlineData("INV-4")]
    [InlineData("INV-")]
    [InlineData("I")]
    [InlineData("nv")]
    [InlineData("-")]
    [InlineData("x")]
    [InlineData("INV0042")]
    [InlineData("--1")]
    [InlineData("INV-1a")]
    [InlineData("0-1")]
    [InlineData("Buyer 0042")]
    public void AnswersExactlyTheNumbersThatContainTheText(string text)
    {
        var search = NumberSearch.For(text);
        foreach (var id in Ids)
        {
            var expected = InvoiceNumber.Format(id).Contains(text, StringComparison.OrdinalIgnoreCase);
            var actual = search.Match(
                none: () => false,
                every: () => true,
                pattern: () => throw new Xunit.Sdk.XunitException($"'{text}' is not digits alone, yet asks for the pattern"),
                idRanges: r => r.Ranges.Any(x => id >= x.From && id <= x.To));
            Assert.True(expected == actual, $"'{text}' and {InvoiceNumber.Format(id)}: contains {expected}, search says {actual}");
        }
    }

    [Theory]
    [InlineData("0042")]
    [InlineData("7")]
    public void DigitsAlone_CanSitAnywhere_AndNeedThePattern(string text) =>
        Assert.IsType<NumberSearch.Pattern>(NumberSearch.For(text));

    [Fact]
    public void APrefixOfTheDigits_IsOneRangePerLength()
    {
        var ranges = Assert.IsType<NumberSearch.IdRanges>(NumberSearch.For("INV-00420")).Ranges;
        Assert.Equal([(42_000L, 42_099L)], ranges);
        var wide = Assert.IsType<NumberSearch.IdRanges>(NumberSearch.For("INV-1")).Ranges;
        Assert.Equal((1_000_000L, 1_999_999L), wide[0]);
        Assert.Equal((10_000_000L, 19_999_999L), wide[1]);
        Assert.Equal(12, wide.Count); // lengths 7 to 18
    }
}
