using InvoiceMvc.Domain.Invoices;

namespace InvoiceMvc.Tests.Domain;

public sealed class InvoiceNumberTests
{
    [Theory]
    [InlineData(1, "INV-0000001")]
    [InlineData(1500, "INV-0001500")]
    [InlineData(9_999_999, "INV-9999999")]
    [InlineData(12_345_678, "INV-12345678")] // widens instead of truncating
    public void Format_PadsToSevenDigits(long sequence, string expected) =>
        Assert.Equal(expected, InvoiceNumber.Format(sequence));

    [Fact]
    public void Format_RejectsZero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => InvoiceNumber.Format(0));
}

public sealed class InvoiceNumberParseTests
{
    [Theory]
    [InlineData("INV-0000001", 1)]
    [InlineData("INV-0000042", 42)]
    [InlineData("INV-12345678", 12_345_678)]
    public void TryParse_ReadsWhatFormatWrites(string text, long expected)
    {
        Assert.True(InvoiceNumber.TryParse(text, out var sequence));
        Assert.Equal(expected, sequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("INV-")]
    [InlineData("INV-0000000")]
    [InlineData("INV-42")]
    [InlineData("INV-00000042")]
    [InlineData("inv-0000042")]
    [InlineData("INV-+000042")]
    [InlineData("INV-0000042 ")]
    [InlineData("INV-99999999999999999999")]
    [InlineData("42")]
    public void TryParse_RefusesAnyOtherSpelling(string? text)
    {
        Assert.False(InvoiceNumber.TryParse(text, out var sequence));
        Assert.Equal(0, sequence);
    }
}
