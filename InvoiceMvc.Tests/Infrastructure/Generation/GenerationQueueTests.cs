using System.Text.Json;
using Hangfire;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>
/// Hangfire:Queues, as scripts/run.sh uses it: a web process on the default queue alone never takes
/// a generation job. Until a generator serves that queue, /health/ready says no run would be
/// produced. Once one does, it produces the run that START made on the web process.
/// </summary>
public sealed class GenerationQueueTests
{
    [Fact]
    public async Task AWebProcessOnTheDefaultQueue_LeavesTheRunToTheGenerator_AndReadySaysSoUntilOneServes()
    {
        await using var db = await TestDatabase.CreateAsync();
        var redis = await TestServers.RedisAsync();
        var prefix = $"q{Guid.NewGuid():N}:";
        var web = GenerationSettings.Fast(50, seconds: 2); // 100 invoices
        web["Hangfire:Queues"] = "default";
        await using var webApp = new AppFactory(db, redis, prefix, web);
        var client = webApp.CreateClient();

        var degraded = await Eventually.ValueAsync(() => HangfireCheckAsync(client),
            c => c.GetProperty("description").GetString()!.Contains("no live server takes the generation queue", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "ready says no server takes the generation queue");
        Assert.Equal("Degraded", degraded.GetProperty("status").GetString());
        // "No server takes the generation queue" holds before the web's own server has announced itself too.
        var monitoring = webApp.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var servers = await Eventually.ValueAsync(() => Task.FromResult(monitoring.Servers()), s => s.Count > 0,
            TimeSpan.FromSeconds(20), "the web process's Hangfire server announced itself");
        Assert.Equal(["default"], Assert.Single(servers).Queues);

        long runId;
        await using (var scope = webApp.Services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<GenerationService>().StartAsync(CancellationToken.None);
            runId = started.Match(s => s.Run.Id, a => throw new InvalidOperationException($"run {a.RunId} was already active"));
        }

        var generator = GenerationSettings.Fast(50, seconds: 2);
        generator["Hangfire:Queues"] = "generation";
        await using var generatorApp = new AppFactory(db, redis, prefix, generator);
        _ = generatorApp.Services; // starts its host, and with it its Hangfire server

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs WHERE id = @id", ("id", runId)) == 3,
            TimeSpan.FromSeconds(60), "the generator completed the run");
        Assert.Equal(100, await db.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE run_id = @id", ("id", runId)));
        var healthy = await Eventually.ValueAsync(() => HangfireCheckAsync(client),
            c => c.GetProperty("status").GetString() == "Healthy", TimeSpan.FromSeconds(20), "ready is healthy with a generator");
        Assert.Contains("1 on the generation queue", healthy.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> HangfireCheckAsync(HttpClient client)
    {
        var raw = await client.GetStringAsync("/health/ready");
        return JsonDocument.Parse(raw).RootElement.GetProperty("checks").GetProperty("hangfire").Clone();
    }
}
