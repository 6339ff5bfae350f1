using System.Globalization;

namespace InvoiceMvc.Domain.Invoices;

/// <summary>Invoice numbers are the gapless sequence 1, 2, 3... shown as INV-0000001.</summary>
public static class InvoiceNumber
{
    public const string Prefix = "INV-";

    public static string Format(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        return Prefix + sequence.ToString("D7", CultureInfo.InvariantCulture);
    }
}
