using System.Text;
using InvoiceMvc.Domain.Lifecycle;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>One buyer's open balances in the aging buckets.</summary>
public sealed record BuyerAging(long BuyerId, string BuyerName, AgingTotals Totals);

/// <summary>The aging report on <see cref="Today"/>: per buyer (those who owe anything, by name) and in total (= accounts receivable).</summary>
public sealed record AgingReport(DateOnly Today, IReadOnlyList<BuyerAging> Buyers, AgingTotals Total);

/// <summary>
/// Aging from open_balances (per buyer and due date, kept by the lifecycle triggers): one GROUP BY
/// over at most buyers x due dates rows, never over invoices. The buckets' due-date ranges are
/// Domain's (<see cref="Aging.DueDates"/>), passed as parameters.
/// </summary>
public sealed class AgingQueries(NpgsqlDataSource dataSource)
{
    public async Task<AgingReport> AgingAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand();
        var bucket = new StringBuilder("CASE");
        foreach (var b in Aging.All)
        {
            var (from, to) = Aging.DueDates(b, today);
            var i = (int)b;
            var conditions = new List<string>();
            if (from is { } f)
            {
                conditions.Add($"o.due_date >= @from{i}");
                cmd.Parameters.AddWithValue($"from{i}", f);
            }

            if (to is { } t)
            {
                conditions.Add($"o.due_date <= @to{i}");
                cmd.Parameters.AddWithValue($"to{i}", t);
            }

            bucket.Append(" WHEN ").Append(string.Join(" AND ", conditions)).Append(" THEN ").Append(i);
        }

        bucket.Append(" END");
        cmd.CommandText = $"""
            SELECT o.buyer_id, p.name, x.bucket, sum(o.balance)
              FROM open_balances o
              JOIN parties p ON p.id = o.buyer_id
             CROSS JOIN LATERAL (SELECT {bucket} AS bucket) x
             WHERE o.balance > 0
             GROUP BY o.buyer_id, p.name, x.bucket
             ORDER BY p.name, o.buyer_id
            """;

        var buyers = new List<BuyerAging>();
        var total = new AgingTotals();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var buyerId = r.GetInt64(0);
            if (buyers.Count == 0 || buyers[^1].BuyerId != buyerId)
            {
                buyers.Add(new BuyerAging(buyerId, r.GetString(1), new AgingTotals()));
            }

            var b = (AgingBucket)r.GetInt32(2);
            var amount = r.GetDecimal(3);
            buyers[^1].Totals.Add(b, amount);
            total.Add(b, amount);
        }

        return new AgingReport(today, buyers, total);
    }
}
