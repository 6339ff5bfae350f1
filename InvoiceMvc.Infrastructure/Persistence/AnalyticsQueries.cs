using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Domain.Invoices;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>One party's figures in a range, for a top-N table.</summary>
public sealed record PartyRank(long PartyId, string Name, long Count, decimal Total);

/// <summary>Everything the analytics page shows, read from one snapshot (<see cref="AsOf"/> = the newest invoice counted).</summary>
public sealed record AnalyticsData(
    IReadOnlyList<SeriesPoint> Buckets,
    PeriodTotals Current,
    PeriodTotals Previous,
    IReadOnlyList<PartyRank> TopSellers,
    IReadOnlyList<PartyRank> TopBuyers,
    long AsOf);

/// <summary>
/// The one reader of the analytics rollups (invoice_buckets, party_days, party_totals), which the
/// invoices trigger keeps in the tick's transaction. Every read is bounded by what is shown, never by the
/// invoices: the buckets of the range at the asked grain, the range's and the previous range's totals from
/// their day buckets, and each top N from party_days over the range's days (all-time ranges from
/// party_totals). All in one REPEATABLE READ snapshot, so the chart, the growth and the rankings agree.
/// </summary>
public sealed class AnalyticsQueries(NpgsqlDataSource dataSource)
{
    public const int TopCount = 10;

    public async Task<AnalyticsData> ReadAsync(AnalyticsRange range, Bucket bucket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        var asOf = await ScalarAsync<long>(connection, tx, "SELECT last_invoice_id FROM invoice_stats LIMIT 1", cancellationToken);
        var buckets = await BucketsAsync(connection, tx, range, bucket, cancellationToken);
        var current = await TotalsAsync(connection, tx, range, cancellationToken);
        var previous = await TotalsAsync(connection, tx, range.Previous, cancellationToken);
        var allTime = await CoversAllDaysAsync(connection, tx, range, cancellationToken);
        var sellers = await TopAsync(connection, tx, PartyKind.Seller, range, allTime, cancellationToken);
        var buyers = await TopAsync(connection, tx, PartyKind.Buyer, range, allTime, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new AnalyticsData(buckets, current, previous, sellers, buyers, asOf);
    }

    private static async Task<IReadOnlyList<SeriesPoint>> BucketsAsync(NpgsqlConnection c, NpgsqlTransaction tx, AnalyticsRange range, Bucket bucket, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT bucket_start, invoice_count, subtotal, vat_amount, total_amount FROM invoice_buckets
             WHERE grain = @grain AND bucket_start >= @start AND bucket_start < @end ORDER BY bucket_start
            """, c, tx);
        cmd.Parameters.AddWithValue("grain", (short)bucket);
        cmd.Parameters.AddWithValue("start", range.Start);
        cmd.Parameters.AddWithValue("end", range.End);
        var points = new List<SeriesPoint>((int)Math.Min((range.End - range.Start) / Buckets.Length(bucket), 10_000));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            points.Add(new SeriesPoint(r.GetFieldValue<DateTimeOffset>(0), new PeriodTotals(r.GetInt64(1), r.GetDecimal(2), r.GetDecimal(3), r.GetDecimal(4))));
        }

        return points;
    }

    private static async Task<PeriodTotals> TotalsAsync(NpgsqlConnection c, NpgsqlTransaction tx, AnalyticsRange range, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT coalesce(sum(invoice_count), 0)::bigint, coalesce(sum(subtotal), 0), coalesce(sum(vat_amount), 0), coalesce(sum(total_amount), 0)
              FROM invoice_buckets WHERE grain = @day AND bucket_start >= @start AND bucket_start < @end
            """, c, tx);
        cmd.Parameters.AddWithValue("day", (short)Bucket.Day);
        cmd.Parameters.AddWithValue("start", range.Start);
        cmd.Parameters.AddWithValue("end", range.End);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new PeriodTotals(r.GetInt64(0), r.GetDecimal(1), r.GetDecimal(2), r.GetDecimal(3));
    }

    // Two index reads: the first and the last day with invoices.
    private static async Task<bool> CoversAllDaysAsync(NpgsqlConnection c, NpgsqlTransaction tx, AnalyticsRange range, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT (SELECT bucket_start FROM invoice_buckets WHERE grain = @day ORDER BY bucket_start LIMIT 1) >= @start
               AND (SELECT bucket_start FROM invoice_buckets WHERE grain = @day ORDER BY bucket_start DESC LIMIT 1) < @end
            """, c, tx);
        cmd.Parameters.AddWithValue("day", (short)Bucket.Day);
        cmd.Parameters.AddWithValue("start", range.Start);
        cmd.Parameters.AddWithValue("end", range.End);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    private static async Task<IReadOnlyList<PartyRank>> TopAsync(NpgsqlConnection c, NpgsqlTransaction tx, PartyKind kind, AnalyticsRange range, bool allTime, CancellationToken ct)
    {
        // All time: the per-party totals (one row per party). Otherwise the range's party days:
        // at most parties x days rows, whatever the number of invoices.
        var sql = allTime
            ? """
              SELECT p.id, p.name, t.invoice_count, t.total_amount
                FROM party_totals t JOIN parties p ON p.id = t.party_id
               WHERE p.kind = @kind AND t.invoice_count > 0
               ORDER BY t.total_amount DESC, p.id LIMIT @n
              """
            : """
              SELECT p.id, p.name, d.n, d.t
                FROM (SELECT party_id, sum(invoice_count)::bigint AS n, sum(total_amount) AS t FROM party_days
                       WHERE kind = @kind AND day BETWEEN @from AND @to GROUP BY party_id
                       ORDER BY t DESC, party_id LIMIT @n) d
                JOIN parties p ON p.id = d.party_id
               ORDER BY d.t DESC, p.id
              """;
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.Parameters.AddWithValue("kind", (short)kind);
        cmd.Parameters.AddWithValue("n", TopCount);
        if (!allTime)
        {
            cmd.Parameters.AddWithValue("from", range.From);
            cmd.Parameters.AddWithValue("to", range.To);
        }

        var ranks = new List<PartyRank>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            ranks.Add(new PartyRank(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetDecimal(3)));
        }

        return ranks;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        return await cmd.ExecuteScalarAsync(ct) is T value ? value : default!;
    }
}
