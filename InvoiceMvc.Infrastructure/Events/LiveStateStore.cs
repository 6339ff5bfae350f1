using System.Text.Json;
using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>Reads the live state straight from PostgreSQL (two indexed single-row reads, never a scan of invoices).</summary>
public sealed class LiveStateStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The channel every committed change is announced on (NOTIFY is delivered only on commit).</summary>
    public const string Channel = "invoicemvc_events";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal const string StatsAndRunSql = """
        SELECT s.invoice_count, s.total_amount, s.vat_amount, s.last_invoice_id,
               r.id, r.status, r.produced, r.target, r.rate_per_second, r.started_at, r.ended_at
          FROM invoice_stats s
          LEFT JOIN LATERAL (SELECT * FROM generation_runs ORDER BY id DESC LIMIT 1) r ON true
         WHERE s.id = 1
        """;

    public async Task<LiveState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(StatsAndRunSql);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, time.GetUtcNow()) : LiveState.Empty;
    }

    internal static async Task<LiveState> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(StatsAndRunSql, connection, transaction);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, now) : LiveState.Empty;
    }

    private static LiveState Read(NpgsqlDataReader r, DateTimeOffset now)
    {
        var stats = new InvoiceStats(r.GetInt64(0), r.GetDecimal(1), r.GetDecimal(2), r.GetInt64(3));
        RunSnapshot? run = r.IsDBNull(4)
            ? null
            : new RunSnapshot(r.GetInt64(4), (RunStatus)r.GetInt16(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8),
                r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10));
        return new LiveState(stats, run, now);
    }

    /// <summary>Announces <paramref name="state"/> to every listener once the transaction commits.</summary>
    internal static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LiveState state, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
        cmd.Parameters.AddWithValue("channel", Channel);
        cmd.Parameters.AddWithValue("payload", JsonSerializer.Serialize(state, Json));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static LiveState? Parse(string payload) => JsonSerializer.Deserialize<LiveState>(payload, Json);
}
