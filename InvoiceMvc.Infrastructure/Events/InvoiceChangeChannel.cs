using System.Globalization;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// The wake-up of a change to an existing invoice (a payment, a void): the database's triggers send
/// the invoice id on this channel inside the change's own transaction, so every instance hears it on
/// commit and never for a rollback. What changed is read afresh by whoever shows the invoice.
/// </summary>
public static class InvoiceChangeChannel
{
    public const string Channel = "invoice_changed";

    internal static long? Parse(string payload) =>
        long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
