namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>Open balances per aging bucket, and their total (which equals what is receivable).</summary>
public sealed class AgingTotals
{
    private readonly decimal[] _amounts = new decimal[Aging.All.Count];

    public decimal this[AgingBucket bucket] => _amounts[(int)bucket];

    public decimal Total => _amounts.Sum();

    /// <summary>Adds an open balance due on <paramref name="dueDate"/> to its bucket on <paramref name="today"/>.</summary>
    public void Add(DateOnly dueDate, DateOnly today, decimal openBalance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(openBalance);
        _amounts[(int)Aging.BucketOf(dueDate, today)] += openBalance;
    }
}
