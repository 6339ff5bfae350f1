using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace InvoiceMvc.Infrastructure.Audit;

/// <summary>One START, STOP, payment or void: who pressed it, when, from where, and what came of it.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public required string UserName { get; init; }
    public string? RemoteAddress { get; init; }
    public required string Action { get; init; }
    public required string Outcome { get; init; }
    public long? RunId { get; init; }

    /// <summary>The invoice a payment or void was about.</summary>
    public long? InvoiceId { get; init; }
}

/// <summary>The audit log admins read at /admin/audit. Rows are only ever appended.</summary>
public sealed class AuditTrail(InvoiceDbContext db, TimeProvider time)
{
    public async Task RecordAsync(string userName, string? remoteAddress, string action, string outcome, long? runId, CancellationToken cancellationToken)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            OccurredAt = time.GetUtcNow(),
            UserName = userName,
            RemoteAddress = remoteAddress,
            Action = action,
            Outcome = outcome,
            RunId = runId,
        });
        // Not the request's token: once the run has started or stopped, the record must be written even if the client hangs up.
        await db.SaveChangesAsync(CancellationToken.None);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// A payment's or a void's entry. Saved through the context, so when the caller has begun a
    /// transaction on it (<see cref="InvoiceDbContext.Database"/>), the entry commits or rolls back with the change.
    /// </summary>
    public async Task RecordInvoiceAsync(string userName, string action, string outcome, long invoiceId, CancellationToken cancellationToken)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            OccurredAt = time.GetUtcNow(),
            UserName = userName,
            Action = action,
            Outcome = outcome,
            InvoiceId = invoiceId,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(int count, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(count).ToListAsync(cancellationToken);
}
