using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>The tick the generation job makes, and its rehearsal, on a real PostgreSQL (no Hangfire, no app).</summary>
public sealed class GenerationRunStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Rehearse_LeavesNothing_SoTheFirstRealTickTakesNumberOne_AndItsWakeUpIsTheOnlyOneWithAnInvoice()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (runs, draft) = await ArrangeAsync(db);
        var run = await runs.StartAsync(5, 10, CancellationToken.None);
        Assert.NotNull(run);
        await using var wakeUps = await ListenAsync(db);

        await using var connection = await db.DataSource.OpenConnectionAsync();
        runs.Rehearse(connection, run.Id, draft, 0.15m, 30);

        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM invoice_lines"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM journal_entries"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT invoice_count + last_invoice_id FROM invoice_stats"));
        Assert.Equal(0, await db.ScalarAsync<int>("SELECT produced FROM generation_runs"));

        var tick = runs.Advance(connection, run.Id, draft, 0.15m, 30);

        Assert.NotNull(tick);
        Assert.Equal(1L, tick.Invoice.Id);
        Assert.Equal("INV-0000001", tick.Invoice.InvoiceNumber);
        Assert.Equal(1, tick.Invoice.Sequence);
        Assert.Equal(1, tick.State.Run!.Produced);
        var seen = await Eventually.ValueAsync(() => Task.FromResult(wakeUps.Snapshot().FirstOrDefault(s => s.Stats.LastInvoiceId > 0)),
            s => s is not null, TimeSpan.FromSeconds(10), "the tick's wake-up arrives");
        Assert.Equal(1L, seen!.Stats.LastInvoiceId);
        Assert.Single(wakeUps.Snapshot(), s => s.Stats.LastInvoiceId > 0);
    }

    [Fact]
    public async Task Rehearse_RunsTheDeferredChecks_SoADraftTheCommitWouldRefuseIsRefusedBeforeTheSchedule()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (runs, draft) = await ArrangeAsync(db);
        var run = await runs.StartAsync(5, 10, CancellationToken.None);
        Assert.NotNull(run);
        // Lines that no longer sum to the subtotal: each row is fine, only the deferred check at commit refuses it.
        var broken = draft with { Subtotal = draft.Subtotal + 1.00m };

        await using var connection = await db.DataSource.OpenConnectionAsync();
        var refused = Assert.Throws<PostgresException>(() => runs.Rehearse(connection, run.Id, broken, 0.15m, 30));

        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
        Assert.Equal("invoice_lines_sum", refused.ConstraintName);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        // The connection is usable afterwards: the job goes on to end the run on it.
        Assert.NotNull(runs.Advance(connection, run.Id, draft, 0.15m, 30));
    }

    private static async Task<(GenerationRunStore Runs, InvoiceDraft Draft)> ArrangeAsync(TestDatabase db)
    {
        var options = Options.Create(new GenerationOptions { SellerCount = 3, BuyerCount = 3 });
        using var parties = new PartyPool(new PartyStore(db.DataSource), options);
        var pool = await parties.GetAsync(CancellationToken.None);
        return (new GenerationRunStore(db.DataSource, new FakeTimeProvider(Now)), new InvoiceFaker(seed: 11).Next(pool));
    }

    private static async Task<WakeUps> ListenAsync(TestDatabase db)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        var wakeUps = new WakeUps(connection);
        await using (var listen = new NpgsqlCommand($"LISTEN {LiveStateChannel.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync();
        }

        return wakeUps;
    }

    /// <summary>Every wake-up a LISTENing connection receives (Npgsql delivers them while the connection waits).</summary>
    private sealed class WakeUps : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly List<LiveState> _received = [];

        public WakeUps(NpgsqlConnection connection)
        {
            _connection = connection;
            connection.Notification += (_, e) =>
            {
                lock (_received)
                {
                    _received.Add(LiveStateChannel.Parse(e.Payload)!);
                }
            };
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        public IReadOnlyList<LiveState> Snapshot()
        {
            _connection.Wait(TimeSpan.FromMilliseconds(100));
            lock (_received)
            {
                return [.. _received];
            }
        }
    }
}
