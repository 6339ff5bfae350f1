using System.Globalization;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// A payment or a void announces the invoice it changed on this PostgreSQL channel, from its own
/// transaction (the Lifecycle migration's triggers: <c>pg_notify('invoice_changed', invoice_id::text)</c>),
/// so every instance hears it on commit and never for a rollback. The payload is the invoice id.
/// </summary>
public static class InvoiceChangedChannel
{
    public const string Channel = "invoice_changed";

    /// <summary>The invoice id of a notification's payload; null when it is not one.</summary>
    public static long? Parse(string payload) =>
        long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
