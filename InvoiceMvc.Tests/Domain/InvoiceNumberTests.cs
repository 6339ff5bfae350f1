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
