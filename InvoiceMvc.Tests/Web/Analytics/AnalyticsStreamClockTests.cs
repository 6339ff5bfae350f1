using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Analytics;
using InvoiceMvc.Web.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static InvoiceMvc.Tests.Web.Dashboard.DashboardStreamClockTests;

namespace InvoiceMvc.Tests.Web.Analytics;

/// <summary>
/// The analytics stream (real hub, rollups, Razor frames and PostgreSQL) on a FakeTimeProvider: however
/// fast invoices commit, its next frame goes out exactly one second after the last one on its clock,
/// carries the newest figures, and a quiet stream gets its heartbeat at 15 s.
/// </summary>
public sealed class AnalyticsStreamClockTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FramesGoOut_ExactlyOneSecondApartOnTheStreamsClock_AsOfTheNewestInvoice()
    {
        await using var app = await DashboardApp.StartAsync(GenerationSettings.Fast(rate: 40, seconds: 2)); // 80 invoices
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var stream = ActivatorUtilities.CreateInstance<AnalyticsStream>(app.Factory.Services, (TimeProvider)clock);
        using var stop = new CancellationTokenSource();
        var frames = stream.RunAsync(new AnalyticsInput(), asOf: 0, stop.Token).GetAsyncEnumerator(stop.Token);
        try
        {
            Assert.StartsWith("retry: ", await NextAsync(frames), StringComparison.Ordinal);
            await app.StartRunAsync();
            var first = await NextAsync(frames);
            Assert.Contains("event: analytics-chart", first, StringComparison.Ordinal);

            // The run goes on committing (40/s) while the stream's clock stands still: nothing more goes out.
            var pending = frames.MoveNextAsync().AsTask();
            await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices") == 80, Wait, "the run's 80 invoices");
            clock.Advance(TimeSpan.FromMilliseconds(999));
            await Eventually.TrueAsync(() => Task.FromResult(app.Service<InvoiceMvc.Infrastructure.Events.LiveStateHub>().Current.Stats.LastInvoiceId == 80), Wait, "the hub to know all 80");
            Assert.False(pending.IsCompleted, "a frame before a second had passed on the stream's clock");

            clock.Advance(TimeSpan.FromMilliseconds(1));
            var second = await CurrentAsync(frames, pending);
            Assert.Contains("data-as-of=\"80\"", second, StringComparison.Ordinal);

            // Nothing newer: the stream is quiet until its heartbeat, 15 s after the last frame.
            pending = frames.MoveNextAsync().AsTask();
            clock.Advance(TimeSpan.FromSeconds(14.999));
            Assert.False(pending.IsCompleted, "a frame with nothing new");
            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(": keep-alive\n\n", await CurrentAsync(frames, pending));
        }
        finally
        {
            await stop.CancelAsync();
            await frames.DisposeAsync();
        }

        Assert.Equal(0, app.Service<DashboardMetrics>().OpenStreams);
    }
}
