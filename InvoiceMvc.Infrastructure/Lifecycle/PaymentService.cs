using System.Globalization;
using FluentValidation;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Audit;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// Records payments: in ONE transaction, lock the invoice row, check it still takes this payment,
/// insert it (the database's triggers then add it to paid_amount, post Dr cash / Cr receivable, move
/// the open balance and NOTIFY <see cref="Events.InvoiceChangedChannel.Channel"/>), append the audit
/// entry, commit. The row lock makes concurrent payments of one invoice take turns, so each sees the
/// balance the previous one left; ck_invoices_total_covers_paid refuses an overpayment even so.
/// </summary>
public sealed class PaymentService(InvoiceDbContext db, AuditTrail audit, IValidator<PaymentRequest> validator, NpgsqlDataSource dataSource, TimeProvider time, LifecycleClock calendar)
{
    public const string AuditAction = "Payment";

    private const string LockSql = """
        SELECT id, invoice_number, total_amount, paid_amount, due_date, (invoice_date AT TIME ZONE 'UTC')::date, voided_at IS NOT NULL
          FROM invoices WHERE invoice_number = @number FOR UPDATE
        """;

    private const string InsertSql = """
        INSERT INTO payments (invoice_id, amount, method, reference, paid_on, recorded_at, recorded_by, idempotency_key)
        VALUES (@invoice, @amount, @method, @reference, @paid_on, @now, @actor, @key)
        RETURNING id
        """;

    public async Task<PaymentResult> RecordAsync(PaymentRequest request, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            var error = validation.Errors[0];
            return new PaymentResult.Rejected(error.PropertyName, error.ErrorMessage);
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var (connection, transaction) = Connection(tx);

        Locked? invoice;
        await using (var lockCmd = new NpgsqlCommand(LockSql, connection, transaction))
        {
            lockCmd.Parameters.AddWithValue("number", request.InvoiceNumber.Trim());
            await using var r = await lockCmd.ExecuteReaderAsync(cancellationToken);
            invoice = await r.ReadAsync(cancellationToken)
                ? new Locked(r.GetInt64(0), r.GetString(1), r.GetDecimal(2), r.GetDecimal(3), r.GetFieldValue<DateOnly>(4), r.GetFieldValue<DateOnly>(5), r.GetBoolean(6))
                : null;
        }

        // After the lock: a first submit of the same key has committed (or rolled back) by now.
        if (await PaymentWithKeyAsync(connection, transaction, request.IdempotencyKey, cancellationToken) is { } earlier)
        {
            return new PaymentResult.Duplicate(earlier);
        }

        if (invoice is null)
        {
            return new PaymentResult.NotFound(request.InvoiceNumber);
        }

        var balance = invoice.Total - invoice.Paid;
        if (Reject(invoice, balance, request) is { } rejected)
        {
            return rejected;
        }

        long paymentId;
        try
        {
            await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
            insert.Parameters.AddWithValue("invoice", invoice.Id);
            insert.Parameters.AddWithValue("amount", request.Amount);
            insert.Parameters.AddWithValue("method", (short)request.Method);
            insert.Parameters.AddWithValue("reference", string.IsNullOrWhiteSpace(request.Reference) ? DBNull.Value : request.Reference.Trim());
            insert.Parameters.AddWithValue("paid_on", request.PaidOn);
            insert.Parameters.AddWithValue("now", time.GetUtcNow());
            insert.Parameters.AddWithValue("actor", actor);
            insert.Parameters.AddWithValue("key", request.IdempotencyKey);
            paymentId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_payments_idempotency_key" })
        {
            // The same key on another invoice, committed between our check and the insert: that payment is the one.
            await tx.RollbackAsync(cancellationToken);
            await using var fresh = await dataSource.OpenConnectionAsync(cancellationToken);
            return new PaymentResult.Duplicate(await PaymentWithKeyAsync(fresh, null, request.IdempotencyKey, cancellationToken)
                ?? throw new InvalidOperationException("A payment's idempotency key was taken and then not found.", ex));
        }

        await audit.RecordInvoiceAsync(actor, AuditAction, string.Create(CultureInfo.InvariantCulture, $"Recorded {request.Amount:0.00}"), invoice.Id, cancellationToken);
        await tx.CommitAsync(cancellationToken);

        var standing = InvoiceStanding.Of(invoice.Total, invoice.Paid + request.Amount, invoice.DueDate, voided: false, calendar.Today);
        return new PaymentResult.Recorded(paymentId, standing, invoice.Id);
    }

    private static PaymentResult.Rejected? Reject(Locked invoice, decimal balance, PaymentRequest request)
    {
        if (invoice.Voided)
        {
            return new PaymentResult.Rejected(nameof(PaymentRequest.InvoiceNumber), $"Invoice {invoice.Number} is void: it takes no payment.");
        }

        if (balance == 0m)
        {
            return new PaymentResult.Rejected(nameof(PaymentRequest.InvoiceNumber), $"Invoice {invoice.Number} is already paid.");
        }

        if (request.Amount > balance)
        {
            return new PaymentResult.Rejected(nameof(PaymentRequest.Amount),
                string.Create(CultureInfo.InvariantCulture, $"The amount is more than the balance of {balance:0.00}."));
        }

        if (request.PaidOn < invoice.IssuedOn)
        {
            return new PaymentResult.Rejected(nameof(PaymentRequest.PaidOn),
                string.Create(CultureInfo.InvariantCulture, $"The payment date cannot be before the issue date ({invoice.IssuedOn:yyyy-MM-dd})."));
        }

        return null;
    }

    private static async Task<long?> PaymentWithKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid key, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT id FROM payments WHERE idempotency_key = @key", connection, transaction);
        cmd.Parameters.AddWithValue("key", key);
        return await cmd.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    internal static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Connection(IDbContextTransaction tx) =>
        ((NpgsqlConnection)tx.GetDbTransaction().Connection!, (NpgsqlTransaction)tx.GetDbTransaction());

    private sealed record Locked(long Id, string Number, decimal Total, decimal Paid, DateOnly DueDate, DateOnly IssuedOn, bool Voided);
}
