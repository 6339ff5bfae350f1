using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>One buyer's open balances in the aging buckets.</summary>
public sealed record BuyerAging(long BuyerId, string BuyerName, AgingTotals Totals);

/// <summary>
/// The aging report on <see cref="Today"/>: one page of the buyers who owe anything (by name, after
/// the buyer a previous page ended on), and the total over all of them (= accounts receivable).
/// </summary>
public sealed record AgingReport(DateOnly Today, IReadOnlyList<BuyerAging> Buyers, bool MoreBuyers, AgingTotals Total);

/// <summary>
/// Aging from the rollups the lifecycle triggers keep, never from invoices: the total from
/// open_balance_days (a row per due date), a page of buyers from open_balances (a row per buyer and
/// due date, read by its primary key for the page's buyers only). One statement, so one snapshot:
/// the page and the total agree. Domain puts each due date in its bucket (<see cref="Aging.BucketOf"/>).
/// </summary>
public sealed class AgingQueries(NpgsqlDataSource dataSource)
{
    public async Task<AgingReport> AgingAsync(DateOnly today, long? afterBuyerId, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await using var cmd = dataSource.CreateCommand("""
            WITH page AS (
                SELECT p.id, p.name FROM parties p
                 WHERE p.kind = @buyer
                   AND (@after::bigint IS NULL OR p.name > (SELECT a.name FROM parties a WHERE a.id = @after AND a.kind = @buyer))
                   AND EXISTS (SELECT 1 FROM open_balances o WHERE o.buyer_id = p.id)
                 ORDER BY p.name LIMIT @take)
            SELECT page.id, page.name, o.due_date, o.balance FROM page JOIN open_balances o ON o.buyer_id = page.id
            UNION ALL
            SELECT NULL, NULL, d.due_date, d.balance FROM open_balance_days d
            ORDER BY 2 NULLS FIRST, 3
            """);
        cmd.Parameters.AddWithValue("buyer", (short)PartyKind.Buyer);
        cmd.Parameters.AddWithValue("after", (object?)afterBuyerId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("take", pageSize + 1);

        var buyers = new List<BuyerAging>();
        var total = new AgingTotals();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var due = r.GetFieldValue<DateOnly>(2);
            var balance = r.GetDecimal(3);
            if (r.IsDBNull(0))
            {
                total.Add(due, today, balance);
                continue;
            }

            var buyerId = r.GetInt64(0);
            if (buyers.Count == 0 || buyers[^1].BuyerId != buyerId)
            {
                buyers.Add(new BuyerAging(buyerId, r.GetString(1), new AgingTotals()));
            }

            buyers[^1].Totals.Add(due, today, balance);
        }

        var more = buyers.Count > pageSize;
        return new AgingReport(today, more ? buyers[..pageSize] : buyers, more, total);
    }
}
