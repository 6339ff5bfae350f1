using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InvoiceMvc.Domain.Invoices;

namespace InvoiceMvc.Tests.Domain;

public sealed class VatCalculatorTests
{
    [Theory]
    [InlineData("100.00", "15.00", "115.00")]
    [InlineData("0.10", "0.02", "0.12")]   // 0.015 -> 0.02: half rounds away from zero, not to even
    [InlineData("0.30", "0.05", "0.35")]   // 0.045 -> 0.05 (banker's rounding would give 0.04)
    [InlineData("0.70", "0.11", "0.81")]   // 0.105 -> 0.11
    [InlineData("5.00", "0.75", "5.75")]
    [InlineData("4999.99", "750.00", "5749.99")] // 749.9985 -> 750.00
    [InlineData("0.01", "0.00", "0.01")]   // 0.0015 -> 0.00
    public void Compute_RoundsVatHalfAwayFromZero_AndAddsItToTheSubtotal(string subtotal, string vat, string total)
    {
        var amounts = VatCalculator.Compute(decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture), 0.15m);

        Assert.Equal(decimal.Parse(vat, System.Globalization.CultureInfo.InvariantCulture), amounts.Vat);
        Assert.Equal(decimal.Parse(total, System.Globalization.CultureInfo.InvariantCulture), amounts.Total);
    }

    [Property(MaxTest = 5000)]
    public Property Compute_KeepsTheInvariants_ForAnyAmountInCentsAndAnyRate()
    {
        var cents = Gen.Choose(1, int.MaxValue).Select(c => c / 100m);
        var rates = Gen.Choose(0, 10_000).Select(r => r / 10_000m);
        return Prop.ForAll(Arb.From(cents), Arb.From(rates), (subtotal, rate) =>
        {
            var a = VatCalculator.Compute(subtotal, rate);
            return a.Subtotal == subtotal
                && a.Total == a.Subtotal + a.Vat
                && a.Vat >= 0
                && a.Total > 0
                && decimal.Round(a.Vat, 2) == a.Vat
                && Math.Abs(a.Vat - (subtotal * rate)) <= 0.005m
                && a.Vat == Math.Round(subtotal * rate, 2, MidpointRounding.AwayFromZero);
        });
    }

    [Property(MaxTest = 2000)]
    public Property Compute_AtTheDefaultRate_GivesPositiveVatFromSevenCentsUp()
    {
        // 0.04 x 0.15 = 0.006 -> 0.01; below that VAT rounds to zero.
        var cents = Gen.Choose(4, 500_000).Select(c => c / 100m);
        return Prop.ForAll(Arb.From(cents), s => VatCalculator.Compute(s, VatCalculator.DefaultRate).Vat > 0);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1.00")]
    [InlineData("1.001")]
    public void Compute_RejectsSubtotalsThatAreNotPositiveWholeCents(string subtotal)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            VatCalculator.Compute(decimal.Parse(subtotal, System.Globalization.CultureInfo.InvariantCulture), 0.15m));
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("1.01")]
    public void Compute_RejectsRatesOutsideZeroToOne(string rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            VatCalculator.Compute(10m, decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
