using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>What a dashboard needs to know about the newest run (null before the first START).</summary>
public sealed record RunSnapshot(long Id, RunStatus Status, int Produced, int Target, int RatePerSecond, DateTimeOffset StartedAt, DateTimeOffset? EndedAt)
{
    public bool IsActive => Status == RunStatus.Running;
    public TimeSpan Remaining => GenerationSchedule.Duration(Target - Produced, RatePerSecond);
}

/// <summary>
/// The state every dashboard shows, as of one committed transaction. It travels whole in each
/// wake-up, so a listener never has to read the database to know the new totals.
/// </summary>
public sealed record LiveState(InvoiceStats Stats, RunSnapshot? Run, DateTimeOffset CommittedAt)
{
    public static readonly LiveState Empty = new(InvoiceStats.Empty, null, DateTimeOffset.MinValue);
}
