using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Events;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>The outcome of one committed tick.</summary>
public sealed record ProducedInvoice(Invoice Invoice, LiveState State);

/// <summary>
/// Writes one invoice in ONE transaction: re-checks the run is still running (under the run row's
/// lock, which STOP also takes), takes the next gapless number from the stats row, inserts the
/// invoice, advances run and stats, and queues the wake-up that PostgreSQL sends on commit.
/// </summary>
public static class InvoiceWriter
{
    private const string AdvanceSql = """
        WITH run AS (
            UPDATE generation_runs
               SET produced = produced + 1,
                   status = CASE WHEN produced + 1 >= target THEN 3 ELSE status END,
                   ended_at = CASE WHEN produced + 1 >= target THEN now() ELSE ended_at END,
                   last_tick_at = now()
             WHERE id = @run AND status = 1 AND produced < target
            RETURNING id, status, produced, target, rate_per_second, started_at, ended_at),
        stats AS (
            UPDATE invoice_stats
               SET invoice_count = invoice_count + 1,
                   total_amount = total_amount + @total,
                   vat_amount = vat_amount + @vat,
                   last_invoice_id = last_invoice_id + 1
              FROM run
             WHERE invoice_stats.id = 1
            RETURNING invoice_count, total_amount, vat_amount, last_invoice_id)
        SELECT stats.invoice_count, stats.total_amount, stats.vat_amount, stats.last_invoice_id,
               run.id, run.status, run.produced, run.target, run.rate_per_second, run.started_at, run.ended_at
          FROM stats, run
        """;

    private const string InsertSql = """
        INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_name, buyer_name,
                              subtotal, vat_rate, vat_amount, total_amount)
        VALUES (@id, @number, @run, @sequence, @date, @seller, @buyer, @subtotal, @rate, @vat, @total)
        RETURNING created_at
        """;

    /// <returns>The invoice, or null when the run is no longer running (stopped, completed or gone).</returns>
    public static async Task<ProducedInvoice?> TryWriteAsync(
        NpgsqlConnection connection, long runId, InvoiceDraft draft, decimal vatRate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var amounts = VatCalculator.Compute(draft.Subtotal, vatRate);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        LiveState state;
        await using (var advance = new NpgsqlCommand(AdvanceSql, connection, tx))
        {
            advance.Parameters.AddWithValue("run", runId);
            advance.Parameters.AddWithValue("total", amounts.Total);
            advance.Parameters.AddWithValue("vat", amounts.Vat);
            await using var r = await advance.ExecuteReaderAsync(cancellationToken);
            if (!await r.ReadAsync(cancellationToken))
            {
                await r.DisposeAsync();
                await tx.RollbackAsync(cancellationToken);
                return null;
            }

            state = new LiveState(
                new InvoiceStats(r.GetInt64(0), r.GetDecimal(1), r.GetDecimal(2), r.GetInt64(3)),
                new RunSnapshot(r.GetInt64(4), (RunStatus)r.GetInt16(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8),
                    r.GetFieldValue<DateTimeOffset>(9), r.IsDBNull(10) ? null : r.GetFieldValue<DateTimeOffset>(10)),
                now);
        }

        var id = state.Stats.LastInvoiceId;
        var run = state.Run!;
        DateTimeOffset createdAt;
        await using (var insert = new NpgsqlCommand(InsertSql, connection, tx))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("number", InvoiceNumber.Format(id));
            insert.Parameters.AddWithValue("run", runId);
            insert.Parameters.AddWithValue("sequence", run.Produced);
            insert.Parameters.AddWithValue("date", now);
            insert.Parameters.AddWithValue("seller", draft.SellerName);
            insert.Parameters.AddWithValue("buyer", draft.BuyerName);
            insert.Parameters.AddWithValue("subtotal", amounts.Subtotal);
            insert.Parameters.AddWithValue("rate", vatRate);
            insert.Parameters.AddWithValue("vat", amounts.Vat);
            insert.Parameters.AddWithValue("total", amounts.Total);
            await using var r = await insert.ExecuteReaderAsync(cancellationToken);
            await r.ReadAsync(cancellationToken);
            createdAt = r.GetFieldValue<DateTimeOffset>(0);
        }

        await LiveStateStore.NotifyAsync(connection, tx, state, cancellationToken);
        await tx.CommitAsync(cancellationToken);

        var invoice = new Invoice
        {
            Id = id,
            InvoiceNumber = InvoiceNumber.Format(id),
            RunId = runId,
            Sequence = run.Produced,
            InvoiceDate = now,
            SellerName = draft.SellerName,
            BuyerName = draft.BuyerName,
            Subtotal = amounts.Subtotal,
            VatRate = vatRate,
            VatAmount = amounts.Vat,
            TotalAmount = amounts.Total,
            CreatedAt = createdAt,
        };
        return new ProducedInvoice(invoice, state);
    }
}
