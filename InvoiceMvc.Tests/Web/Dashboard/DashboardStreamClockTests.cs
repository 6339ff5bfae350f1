using System.Text;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>
/// The real stream loop (real hub, caches, Razor frames and PostgreSQL) on a FakeTimeProvider: it
/// waits on the clock it is given, so its whole schedule, heartbeat included, is exact and instant.
/// </summary>
public sealed class DashboardStreamClockTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheLoop_SendsRowsAndTheHeartbeat_ExactlyWhenTheFakeClockSaysSo()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?> { ["Display:RatePerSecond"] = "2" }, seedInvoices: 3);
        var hub = app.Service<LiveStateHub>();
        await Eventually.TrueAsync(() => Task.FromResult(hub.Current.Stats.LastInvoiceId == 3), Wait, "the hub to know the 3 invoices");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var stream = ActivatorUtilities.CreateInstance<DashboardStream>(app.Factory.Services, (TimeProvider)clock);
        using var stop = new CancellationTokenSource();
        var frames = stream.RunAsync(0, stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            Assert.Matches(@"^retry: (1000|1250|1500|1750|2000|2250|2500|2750|3000)\n\n$", await NextAsync(frames));
            Assert.Contains("data-last-invoice-id=\"3\"", await NextAsync(frames), StringComparison.Ordinal);
            Assert.Contains("id: 1\n", await NextAsync(frames), StringComparison.Ordinal);
            Assert.Contains("Processing backlog (2 waiting)", await NextAsync(frames), StringComparison.Ordinal);

            // Row 2 is due 500 ms later on the stream's clock, not a moment sooner.
            var pending = frames.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromMilliseconds(499));
            Assert.False(pending.IsCompleted, "a row before its due time");
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Contains("id: 2\n", await CurrentAsync(frames, pending), StringComparison.Ordinal);
            // Its "1 waiting" is held for the status's second, and row 3 comes first: Idle replaces it.

            pending = frames.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromMilliseconds(500));
            Assert.Contains("id: 3\n", await CurrentAsync(frames, pending), StringComparison.Ordinal);
            Assert.Contains("Idle", await NextAsync(frames), StringComparison.Ordinal);

            // Then silence: the keep-alive comment exactly 15 s after the last frame.
            pending = frames.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
            Assert.False(pending.IsCompleted, "a heartbeat before 15 s of silence");
            clock.Advance(TimeSpan.FromTicks(1));
            Assert.Equal(": keep-alive\n\n", await CurrentAsync(frames, pending));

            // A disconnect ends the loop.
            pending = frames.MoveNextAsync().AsTask();
            await stop.CancelAsync();
            Assert.False(await pending.WaitAsync(Wait));
        }
        finally
        {
            await frames.DisposeAsync();
        }

        Assert.Equal(0, app.Service<DashboardMetrics>().OpenStreams);
    }

    internal static async Task<string> NextAsync(IAsyncEnumerator<ReadOnlyMemory<byte>> frames) =>
        await CurrentAsync(frames, frames.MoveNextAsync().AsTask());

    internal static async Task<string> CurrentAsync(IAsyncEnumerator<ReadOnlyMemory<byte>> frames, Task<bool> moved)
    {
        Assert.True(await moved.WaitAsync(Wait), "the stream ended");
        return Encoding.UTF8.GetString(frames.Current.Span);
    }
}
