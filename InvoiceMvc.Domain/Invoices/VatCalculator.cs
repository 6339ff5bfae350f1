namespace InvoiceMvc.Domain.Invoices;

/// <summary>The subtotal, VAT and total of one invoice, always consistent with each other.</summary>
public readonly record struct InvoiceAmounts(decimal Subtotal, decimal Vat, decimal Total);

/// <summary>
/// The one place VAT is computed. Rounding rule: VAT is rounded to whole cents, half away from
/// zero (commercial rounding, <see cref="MidpointRounding.AwayFromZero"/>); total = subtotal + VAT.
/// The same rule is enforced by CHECK constraints in PostgreSQL.
/// </summary>
public static class VatCalculator
{
    public const decimal DefaultRate = 0.15m;
    public const decimal MinSubtotal = 0.01m;
    public const decimal MaxSubtotal = 9_999_999_999.99m / 2; // total must fit numeric(12,2) at any rate <= 1

    public static decimal RoundVat(decimal subtotal, decimal rate) =>
        Math.Round(subtotal * rate, 2, MidpointRounding.AwayFromZero);

    public static InvoiceAmounts Compute(decimal subtotal, decimal rate)
    {
        if (rate is < 0m or > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "VAT rate must be between 0 and 1.");
        }

        if (subtotal < MinSubtotal || subtotal > MaxSubtotal || decimal.Round(subtotal, 2) != subtotal)
        {
            throw new ArgumentOutOfRangeException(nameof(subtotal), subtotal,
                $"Subtotal must be a positive amount in whole cents, at most {MaxSubtotal}.");
        }

        var vat = RoundVat(subtotal, rate);
        return new InvoiceAmounts(subtotal, vat, subtotal + vat);
    }
}
