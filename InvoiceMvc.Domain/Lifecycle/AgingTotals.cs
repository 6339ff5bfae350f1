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
        Add(Aging.BucketOf(dueDate, today), openBalance);
    }

    /// <summary>Adds an open balance already placed in <paramref name="bucket"/> (a store's per-bucket sum).</summary>
    public void Add(AgingBucket bucket, decimal openBalance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(openBalance);
        if (!Enum.IsDefined(bucket))
        {
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, "Not an aging bucket.");
        }

        _amounts[(int)bucket] += openBalance;
    }
}
