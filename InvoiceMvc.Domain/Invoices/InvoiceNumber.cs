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

    /// <summary>
    /// The sequence of a number exactly as <see cref="Format"/> writes it, and nothing else: one
    /// spelling per invoice (INV-0000042, not inv-42 or INV-00000042), so a link names one page.
    /// </summary>
    public static bool TryParse(string? text, out long sequence)
    {
        sequence = 0;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            || parsed < 1 || !string.Equals(Format(parsed), text, StringComparison.Ordinal))
        {
            return false;
        }

        sequence = parsed;
        return true;
    }
}
