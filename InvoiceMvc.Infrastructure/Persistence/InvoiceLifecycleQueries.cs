using InvoiceMvc.Domain.Lifecycle;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

public enum InvoiceActivityKind
{
    Issued = 1,
    Payment = 2,
    Voided = 3,
    Reminder = 4,
}

/// <summary>
/// One event in an invoice's life. Issued: <see cref="Amount"/> is the total, no actor (the generator).
/// Payment: who recorded it, how much, how, the reference and the day it was paid. Voided: who and why.
/// Reminder: the balance reminded of and how many days past due it was (the reminders job, no actor).
/// </summary>
public sealed record InvoiceActivity(
    DateTimeOffset At, InvoiceActivityKind Kind, string? Actor, decimal? Amount, PaymentMethod? Method, string? Reference, DateOnly? PaidOn, string? Reason,
    int? DaysPastDue = null);

/// <summary>An invoice's lines, what its standing is derived from, and its activity (oldest first, newest last).</summary>
public sealed record InvoiceLifecycle(
    long InvoiceId, string InvoiceNumber, DateTimeOffset IssuedAt, DateOnly DueDate, decimal Subtotal, decimal VatAmount, decimal Total, decimal Paid,
    DateTimeOffset? VoidedAt, string? VoidedBy, string? VoidReason,
    IReadOnlyList<LineItem> Lines, IReadOnlyList<InvoiceActivity> Activity)
{
    public bool IsVoid => VoidedAt is not null;

    /// <summary>Status and balance on <paramref name="today"/> (<see cref="InvoiceStanding.Of"/>: the one place they are derived).</summary>
    public InvoiceStanding StandingOn(DateOnly today) => InvoiceStanding.Of(Total, Paid, DueDate, IsVoid, today);
}

/// <summary>
/// The lifecycle of one invoice, for its detail page: four indexed reads in one round trip (the
/// invoice by number, its lines by primary key, its payments by ix_payments_invoice_id_id, its
/// reminders by their unique (invoice, day)).
/// </summary>
public sealed class InvoiceLifecycleQueries(NpgsqlDataSource dataSource)
{
    private const string Sql = """
        SELECT id, invoice_number, invoice_date, due_date, subtotal, vat_amount, total_amount, paid_amount, voided_at, voided_by, void_reason
          FROM invoices WHERE invoice_number = @number;
        SELECT l.line_no, l.description, l.quantity, l.unit_price, l.amount
          FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.invoice_number = @number ORDER BY l.line_no;
        SELECT p.recorded_at, p.recorded_by, p.amount, p.method, p.reference, p.paid_on
          FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.invoice_number = @number ORDER BY p.id;
        SELECT r.created_at, r.balance, r.days_past_due
          FROM payment_reminders r JOIN invoices i ON i.id = r.invoice_id WHERE i.invoice_number = @number ORDER BY r.reminded_on;
        """;

    /// <summary>Null when there is no such invoice.</summary>
    public async Task<InvoiceLifecycle?> LoadAsync(string invoiceNumber, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoiceNumber);
        await using var cmd = dataSource.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("number", invoiceNumber.Trim());
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        var id = r.GetInt64(0);
        var number = r.GetString(1);
        var issuedAt = r.GetFieldValue<DateTimeOffset>(2);
        var dueDate = r.GetFieldValue<DateOnly>(3);
        var (subtotal, vat, total, paid) = (r.GetDecimal(4), r.GetDecimal(5), r.GetDecimal(6), r.GetDecimal(7));
        DateTimeOffset? voidedAt = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8);
        var voidedBy = r.IsDBNull(9) ? null : r.GetString(9);
        var voidReason = r.IsDBNull(10) ? null : r.GetString(10);

        await r.NextResultAsync(cancellationToken);
        var lines = new List<LineItem>();
        while (await r.ReadAsync(cancellationToken))
        {
            lines.Add(new LineItem(r.GetInt16(0), r.GetString(1), r.GetInt32(2), r.GetDecimal(3), r.GetDecimal(4)));
        }

        await r.NextResultAsync(cancellationToken);
        var activity = new List<InvoiceActivity> { new(issuedAt, InvoiceActivityKind.Issued, null, total, null, null, null, null) };
        while (await r.ReadAsync(cancellationToken))
        {
            activity.Add(new InvoiceActivity(
                r.GetFieldValue<DateTimeOffset>(0), InvoiceActivityKind.Payment, r.GetString(1), r.GetDecimal(2), (PaymentMethod)r.GetInt16(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<DateOnly>(5), null));
        }

        await r.NextResultAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            activity.Add(new InvoiceActivity(r.GetFieldValue<DateTimeOffset>(0), InvoiceActivityKind.Reminder, null, r.GetDecimal(1), null, null, null, null,
                r.GetInt32(2)));
        }

        if (voidedAt is { } at)
        {
            activity.Add(new InvoiceActivity(at, InvoiceActivityKind.Voided, voidedBy, null, null, null, null, voidReason));
        }

        return new InvoiceLifecycle(id, number, issuedAt, dueDate, subtotal, vat, total, paid, voidedAt, voidedBy, voidReason, lines,
            activity.OrderBy(a => a.At).ThenBy(a => a.Kind).ToList());
    }
}
