using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Events;

public sealed class WakeUpTests
{
    [Fact]
    public async Task EachCommittedInvoice_WakesAListenerOnAnotherConnection_WithTheNewTotals()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var listener = await db.DataSource.OpenConnectionAsync();
        var received = new List<LiveState>();
        listener.Notification += (_, e) =>
        {
            lock (received)
            {
                received.Add(LiveStateChannel.Parse(e.Payload)!);
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {LiveStateChannel.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 50, seconds: 1));
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!cts.IsCancellationRequested)
        {
            lock (received)
            {
                if (received.Any(s => s.Run?.Status == InvoiceMvc.Domain.Generation.RunStatus.Completed))
                {
                    break;
                }
            }

            await listener.WaitAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.False(cts.IsCancellationRequested, $"timed out; received {received.Count} notifications, status in db {await db.ScalarAsync<short>("SELECT status FROM generation_runs")}");
        List<LiveState> states;
        lock (received)
        {
            states = [.. received];
        }

        // One wake-up per invoice (plus START's), in commit order, each carrying the totals as of that invoice.
        var perInvoice = states.Where(s => s.Stats.LastInvoiceId > 0).ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), perInvoice.Select(s => s.Stats.LastInvoiceId));
        Assert.Equal(await db.ScalarAsync<decimal>("SELECT sum(total_amount) FROM invoices"), perInvoice[^1].Stats.TotalAmount);
        Assert.Equal(50, perInvoice[^1].Run!.Produced);
    }
}
