using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Events;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// The one home of the generation_runs and invoice_stats tables: every read and write of a run or
/// of the totals goes through here. Plain SQL rather than EF: the tick is one statement whose
/// RETURNING feeds the wake-up, and every change that dashboards must hear about sends its NOTIFY
/// inside its own transaction (PostgreSQL delivers it on commit, never for a rollback).
/// Statuses travel as parameters, so the SQL text never carries a bare status number.
/// </summary>
public sealed class GenerationRunStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string StartSql = """
        INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at)
        VALUES (@running, @rate, @target, 0, @now)
        RETURNING id, status, produced, target, rate_per_second, started_at, ended_at
        """;

    private const string EndSql = """
        UPDATE generation_runs SET status = @status, ended_at = now() WHERE id = @run AND status = @running
        """;

    // The tick's run and stats updates in one statement: the run row's lock (which STOP's update also
    // takes) re-checks "still running" and orders the tick against STOP; the stats row's lock hands
    // out the next gapless invoice id. Nothing is updated at all when the run is no longer running.
    private const string AdvanceSql = """
        WITH run AS (
            UPDATE generation_runs
               SET produced = produced + 1,
                   status = CASE WHEN produced + 1 >= target THEN @completed ELSE status END,
                   ended_at = CASE WHEN produced + 1 >= target THEN now() ELSE ended_at END,
                   last_tick_at = now()
             WHERE id = @run AND status = @running AND produced < target
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

    // The invoice and all its lines in one statement (the lines as parallel arrays). The database
    // checks at commit that the lines sum to the subtotal and posts the issue entry (Lifecycle migration).
    private const string InsertInvoiceSql = """
        WITH invoice AS (
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, due_date, seller_id, buyer_id,
                                  subtotal, vat_rate, vat_amount, total_amount)
            VALUES (@id, @number, @run, @sequence, @date, @due, @seller, @buyer, @subtotal, @rate, @vat, @total)
            RETURNING created_at, seller_name, buyer_name),
        lines AS (
            INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, amount)
            SELECT @id, l.line_no, l.description, l.quantity, l.unit_price, l.amount
              FROM unnest(@line_nos::smallint[], @descriptions::text[], @quantities::integer[], @unit_prices::numeric[], @amounts::numeric[])
                   AS l(line_no, description, quantity, unit_price, amount))
        SELECT created_at, seller_name, buyer_name FROM invoice
        """;

    // Running, silent for a while (a fresh run's job may still be in the queue), and nobody holds its
    // lock. MATERIALIZED so the lock is only tried on those candidates: in a plain WHERE the planner
    // may call pg_try_advisory_lock first and leave locks behind on runs it then filters out.
    private const string OrphansSql = """
        WITH candidates AS MATERIALIZED (
            SELECT id FROM generation_runs
             WHERE status = @running
               AND coalesce(last_tick_at, started_at) < now() - make_interval(secs => greatest(2.0, 3.0 / rate_per_second)))
        SELECT id FROM candidates WHERE pg_try_advisory_lock(@ns, id::int)
        """;

    // The stats row and the newest run: two indexed single-row reads, never a scan of invoices.
    private const string LiveStateSql = """
        SELECT s.invoice_count, s.total_amount, s.vat_amount, s.last_invoice_id,
               r.id, r.status, r.produced, r.target, r.rate_per_second, r.started_at, r.ended_at
          FROM invoice_stats s
          LEFT JOIN LATERAL (SELECT * FROM generation_runs ORDER BY id DESC LIMIT 1) r ON true
         WHERE s.id = 1
        """;

    /// <summary>Inserts a running run and announces it; null when another run is already active.</summary>
    public async Task<RunSnapshot?> StartAsync(int ratePerSecond, int target, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        RunSnapshot run;
        try
        {
            await using var insert = new NpgsqlCommand(StartSql, connection, tx);
            insert.Parameters.AddWithValue("running", (short)RunStatus.Running);
            insert.Parameters.AddWithValue("rate", ratePerSecond);
            insert.Parameters.AddWithValue("target", target);
            insert.Parameters.AddWithValue("now", time.GetUtcNow());
            await using var r = await insert.ExecuteReaderAsync(cancellationToken);
            await r.ReadAsync(cancellationToken);
            run = ReadRun(r, 0);
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_generation_runs_single_active" })
        {
            // The partial unique index, not a read-then-insert, is what keeps START single across instances.
            await tx.RollbackAsync(cancellationToken);
            return null;
        }

        await NotifyAsync(connection, tx, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return run;
    }

    /// <summary>Moves a running run to a final state, atomically with the wake-up; null if it was not running.</summary>
    public async Task<RunSnapshot?> EndAsync(long runId, RunStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(EndSql, connection, tx))
        {
            update.Parameters.AddWithValue("status", (short)status);
            update.Parameters.AddWithValue("running", (short)RunStatus.Running);
            update.Parameters.AddWithValue("run", runId);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await tx.RollbackAsync(cancellationToken);
                return null;
            }
        }

        var state = await NotifyAsync(connection, tx, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return state.Run;
    }

    public async Task<long?> ActiveRunIdAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id FROM generation_runs WHERE status = @running");
        cmd.Parameters.AddWithValue("running", (short)RunStatus.Running);
        return await cmd.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    public async Task<GenerationRun?> LoadAsync(long runId, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT status, rate_per_second, target, produced, started_at, ended_at, job_id, last_tick_at FROM generation_runs WHERE id = @run");
        cmd.Parameters.AddWithValue("run", runId);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await r.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new GenerationRun
        {
            Id = runId,
            Status = (RunStatus)r.GetInt16(0),
            RatePerSecond = r.GetInt32(1),
            Target = r.GetInt32(2),
            Produced = r.GetInt32(3),
            StartedAt = r.GetFieldValue<DateTimeOffset>(4),
            EndedAt = r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
            JobId = r.IsDBNull(6) ? null : r.GetString(6),
            LastTickAt = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
        };
    }

    /// <summary>
    /// Records the Hangfire job now producing the run. It counts as a sign of life (last_tick_at), so
    /// recovery gives a freshly (re)enqueued job its grace period before calling the run orphaned.
    /// </summary>
    public async Task SetJobIdAsync(long runId, string jobId, CancellationToken cancellationToken)
    {
        await using var update = dataSource.CreateCommand("UPDATE generation_runs SET job_id = @job, last_tick_at = now() WHERE id = @run");
        update.Parameters.AddWithValue("job", jobId);
        update.Parameters.AddWithValue("run", runId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Running runs that nobody is producing: silent for a while and their advisory lock (namespace
    /// <paramref name="lockNamespace"/>, key = run id) free. The probe's locks are released before this returns.
    /// </summary>
    public async Task<IReadOnlyList<long>> OrphansAsync(int lockNamespace, CancellationToken cancellationToken)
    {
        var orphans = new List<long>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var cmd = new NpgsqlCommand(OrphansSql, connection))
        {
            cmd.Parameters.AddWithValue("running", (short)RunStatus.Running);
            cmd.Parameters.AddWithValue("ns", lockNamespace);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                orphans.Add(r.GetInt64(0));
            }
        }

        // Let go of the probe locks, so the jobs the caller enqueues can take them.
        await using (var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection))
        {
            await unlock.ExecuteNonQueryAsync(cancellationToken);
        }

        return orphans;
    }

    /// <summary>
    /// One tick in ONE transaction on <paramref name="connection"/> (the job's, which holds the run's
    /// advisory lock): re-check the run and advance it and the stats (one statement, under the run
    /// row's lock), insert the invoice and its lines under the gapless id that gave (the database fills in the
    /// parties' names and keeps the per-party and per-run rollups, see the Parties migration), queue
    /// the wake-up, commit.
    /// </summary>
    /// <remarks>
    /// Blocking I/O on purpose: the job calls it from its own thread, so a tick never waits for a
    /// thread-pool thread (docs/decisions/020-generation-thread.md).
    /// </remarks>
    /// <returns>The invoice, or null when the run is no longer running (stopped, completed or gone).</returns>
    public ProducedInvoice? Advance(NpgsqlConnection connection, long runId, InvoiceDraft draft, decimal vatRate, int paymentTermsDays) =>
        Tick(connection, runId, draft, vatRate, paymentTermsDays, commit: true);

    /// <summary>
    /// The tick <see cref="Advance"/> would make, rolled back after its deferred checks have run: the
    /// first tick of a process on a connection costs tens of milliseconds more than the rest (the JIT,
    /// the backend's caches of the tables, indexes and trigger functions it touches), so the job pays
    /// that once before its schedule starts. Nothing stays: no invoice, no number, no wake-up.
    /// </summary>
    public void Rehearse(NpgsqlConnection connection, long runId, InvoiceDraft draft, decimal vatRate, int paymentTermsDays) =>
        Tick(connection, runId, draft, vatRate, paymentTermsDays, commit: false);

    private ProducedInvoice? Tick(NpgsqlConnection connection, long runId, InvoiceDraft draft, decimal vatRate, int paymentTermsDays, bool commit)
    {
        var now = time.GetUtcNow();
        var dueDate = DateOnly.FromDateTime(now.UtcDateTime).AddDays(paymentTermsDays);
        var amounts = VatCalculator.Compute(draft.Subtotal, vatRate);
        using var tx = connection.BeginTransaction();

        LiveState state;
        using (var advance = new NpgsqlCommand(AdvanceSql, connection, tx))
        {
            advance.Parameters.AddWithValue("run", runId);
            advance.Parameters.AddWithValue("running", (short)RunStatus.Running);
            advance.Parameters.AddWithValue("completed", (short)RunStatus.Completed);
            advance.Parameters.AddWithValue("total", amounts.Total);
            advance.Parameters.AddWithValue("vat", amounts.Vat);
            using var r = advance.ExecuteReader();
            if (!r.Read())
            {
                r.Dispose();
                tx.Rollback();
                return null;
            }

            state = ReadLiveState(r, now);
        }

        var id = state.Stats.LastInvoiceId;
        var sequence = state.Run!.Produced;
        DateTimeOffset createdAt;
        string sellerName, buyerName;
        using (var insert = new NpgsqlCommand(InsertInvoiceSql, connection, tx))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("number", InvoiceNumber.Format(id));
            insert.Parameters.AddWithValue("run", runId);
            insert.Parameters.AddWithValue("sequence", sequence);
            insert.Parameters.AddWithValue("date", now);
            insert.Parameters.AddWithValue("due", dueDate);
            insert.Parameters.AddWithValue("seller", draft.Seller.Id);
            insert.Parameters.AddWithValue("buyer", draft.Buyer.Id);
            insert.Parameters.AddWithValue("subtotal", amounts.Subtotal);
            insert.Parameters.AddWithValue("rate", vatRate);
            insert.Parameters.AddWithValue("vat", amounts.Vat);
            insert.Parameters.AddWithValue("total", amounts.Total);
            insert.Parameters.AddWithValue("line_nos", draft.Lines.Select(l => (short)l.LineNo).ToArray());
            insert.Parameters.AddWithValue("descriptions", draft.Lines.Select(l => l.Description).ToArray());
            insert.Parameters.AddWithValue("quantities", draft.Lines.Select(l => l.Quantity).ToArray());
            insert.Parameters.AddWithValue("unit_prices", draft.Lines.Select(l => l.UnitPrice).ToArray());
            insert.Parameters.AddWithValue("amounts", draft.Lines.Select(l => l.Amount).ToArray());
            using var r = insert.ExecuteReader();
            r.Read();
            createdAt = r.GetFieldValue<DateTimeOffset>(0);
            sellerName = r.GetString(1);
            buyerName = r.GetString(2);
        }

        if (!commit)
        {
            using (var checks = new NpgsqlCommand("SET CONSTRAINTS ALL IMMEDIATE", connection, tx))
            {
                checks.ExecuteNonQuery();
            }

            tx.Rollback();
            return null;
        }

        LiveStateChannel.Notify(connection, tx, state);
        tx.Commit();

        var invoice = new Invoice
        {
            Id = id,
            InvoiceNumber = InvoiceNumber.Format(id),
            RunId = runId,
            Sequence = sequence,
            InvoiceDate = now,
            SellerId = draft.Seller.Id,
            BuyerId = draft.Buyer.Id,
            SellerName = sellerName,
            BuyerName = buyerName,
            Subtotal = amounts.Subtotal,
            VatRate = vatRate,
            VatAmount = amounts.Vat,
            TotalAmount = amounts.Total,
            CreatedAt = createdAt,
            DueDate = dueDate,
        };
        return new ProducedInvoice(invoice, state);
    }

    /// <summary>The live state (totals + newest run) as PostgreSQL holds it now: THE reader of both rows.</summary>
    public async Task<LiveState> ReadLiveStateAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand(LiveStateSql);
        return await ReadLiveStateAsync(cmd, cancellationToken);
    }

    private async Task<LiveState> ReadLiveStateAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadLiveState(reader, time.GetUtcNow()) : LiveState.Empty;
    }

    // Reads the state inside the change's own transaction and queues it as that change's wake-up.
    private async Task<LiveState> NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        LiveState state;
        await using (var cmd = new NpgsqlCommand(LiveStateSql, connection, tx))
        {
            state = await ReadLiveStateAsync(cmd, cancellationToken);
        }

        await LiveStateChannel.NotifyAsync(connection, tx, state, cancellationToken);
        return state;
    }

    // Columns 0-3: the stats row; 4-10: a run (NULL when there is none yet).
    private static LiveState ReadLiveState(NpgsqlDataReader r, DateTimeOffset now)
    {
        var stats = new InvoiceStats(r.GetInt64(0), r.GetDecimal(1), r.GetDecimal(2), r.GetInt64(3));
        return new LiveState(stats, r.IsDBNull(4) ? null : ReadRun(r, 4), now);
    }

    // id, status, produced, target, rate_per_second, started_at, ended_at from column `first` on.
    private static RunSnapshot ReadRun(NpgsqlDataReader r, int first) => new(
        r.GetInt64(first),
        (RunStatus)r.GetInt16(first + 1),
        r.GetInt32(first + 2),
        r.GetInt32(first + 3),
        r.GetInt32(first + 4),
        r.GetFieldValue<DateTimeOffset>(first + 5),
        r.IsDBNull(first + 6) ? null : r.GetFieldValue<DateTimeOffset>(first + 6));
}
