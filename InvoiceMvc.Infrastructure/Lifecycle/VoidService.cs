using InvoiceMvc.Infrastructure.Audit;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// Voids an unpaid invoice with a reason, in ONE transaction under the invoice's row lock: the update
/// (the database then posts the reversal of the issue entry, closes the open balance and NOTIFYs
/// <see cref="Events.InvoiceChangedChannel.Channel"/>) and the audit entry. The invoice keeps its
/// number; ck_invoices_void refuses a void with payments and the guard trigger refuses undoing one.
/// </summary>
public sealed class VoidService(InvoiceDbContext db, AuditTrail audit, TimeProvider time)
{
    public const string AuditAction = "Void";
    public const int MaxReasonLength = 500;

    public async Task<VoidResult> VoidAsync(string invoiceNumber, string reason, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoiceNumber);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new VoidResult.Rejected("Reason", "Say why the invoice is void.");
        }

        if (reason.Trim().Length > MaxReasonLength)
        {
            return new VoidResult.Rejected("Reason", $"The reason can be at most {MaxReasonLength} characters.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var (connection, transaction) = PaymentService.Connection(tx);
        long id;
        string number;
        await using (var lockCmd = new NpgsqlCommand(
            "SELECT id, invoice_number, paid_amount, voided_at IS NOT NULL FROM invoices WHERE invoice_number = @number FOR UPDATE", connection, transaction))
        {
            lockCmd.Parameters.AddWithValue("number", invoiceNumber.Trim());
            await using var r = await lockCmd.ExecuteReaderAsync(cancellationToken);
            if (!await r.ReadAsync(cancellationToken))
            {
                return new VoidResult.NotFound(invoiceNumber);
            }

            (id, number) = (r.GetInt64(0), r.GetString(1));
            if (r.GetBoolean(3))
            {
                return new VoidResult.Rejected("InvoiceNumber", $"Invoice {number} is already void.");
            }

            if (r.GetDecimal(2) > 0m)
            {
                return new VoidResult.Rejected("InvoiceNumber", $"Invoice {number} has payments: only an unpaid invoice can be voided.");
            }
        }

        var now = time.GetUtcNow();
        await using (var update = new NpgsqlCommand(
            "UPDATE invoices SET voided_at = @now, voided_by = @actor, void_reason = @reason WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("actor", actor);
            update.Parameters.AddWithValue("reason", reason.Trim());
            update.Parameters.AddWithValue("id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await audit.RecordInvoiceAsync(actor, AuditAction, "Voided", id, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new VoidResult.Voided(id, now);
    }
}
