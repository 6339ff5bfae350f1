using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace InvoiceMvc.Infrastructure.Audit;

/// <summary>One START or STOP: who pressed it, when, from where, and what came of it.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset OccurredAt { get; init; }
    public required string UserName { get; init; }
    public string? RemoteAddress { get; init; }
    public required string Action { get; init; }
    public required string Outcome { get; init; }
    public long? RunId { get; init; }
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

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> LatestAsync(int count, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(count).ToListAsync(cancellationToken);
}
