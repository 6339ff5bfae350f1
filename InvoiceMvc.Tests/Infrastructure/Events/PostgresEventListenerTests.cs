using System.Diagnostics;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InvoiceMvc.Tests.Infrastructure.Events;

/// <summary>The listener's verdict on PostgreSQL over a slow link (<see cref="PostgresLink.Latency"/>), not a cut one.</summary>
public sealed class PostgresEventListenerTests
{
    [Fact]
    public async Task APingThatAnswersLate_KeepsTheDatabaseReachable_ThoughTheCheckItStartedFails()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var link = new PostgresLink(db.ConnectionString);
        var capture = new LogCapture();
        // No Hangfire server: its shutdown waits on the database, and chunks already held by the slow link
        // outlast the host's shutdown timeout (the app's disposal then failed the test under load).
        await using var baseApp = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = link.ConnectionString,
            ["Hangfire:ServerEnabled"] = "false",
        });
        await using var app = baseApp.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(capture)));
        var hub = app.Services.GetRequiredService<LiveStateHub>();
        await Eventually.TrueAsync(() => Task.FromResult(capture.Entries.Any(e => e.Message.StartsWith("Listening for invoice events", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "the listener listening");

        // Every answer now takes 2.5 s: each ping is past its 1 s timeout and starts a check on another
        // connection, which fails its 2 s deadline; the ping itself answers half a second before that.
        // Before the fix the check's "lost" stood from about 6.5 s into this window, and for good.
        link.Latency = TimeSpan.FromSeconds(2.5);
        try
        {
            var window = Stopwatch.StartNew();
            while (window.Elapsed < TimeSpan.FromSeconds(10))
            {
                Assert.True(hub.DatabaseReachable, $"PostgreSQL called lost {window.ElapsedMilliseconds} ms into the slow link, though every ping on the listening connection answered");
                await Task.Delay(20);
            }
        }
        finally
        {
            link.Latency = TimeSpan.Zero;
        }

        Assert.DoesNotContain(capture.Entries, e => e.Message.Contains("marked unreachable", StringComparison.Ordinal));
    }
}
