using System.Net;
using System.Text.Json;
using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Web.Operations;

public sealed class HealthTests
{
    [Fact]
    public async Task Ready_IsHealthy_WithEveryCheckListed_AndLiveNeedsNothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = app.CreateClient();

        var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (await ReadAsync(live)).GetProperty("status").GetString());

        // The Hangfire server registers itself moments after start-up.
        var ready = await Eventually.ValueAsync(() => ReadAsync(client, "/health/ready"),
            r => r.Json.GetProperty("status").GetString() == "Healthy", TimeSpan.FromSeconds(20), "ready reports Healthy");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        var checks = ready.Json.GetProperty("checks");
        var total = ready.Json.GetProperty("durationMs").GetDouble();
        Assert.Equal(["hangfire", "postgres", "redis"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var name in new[] { "postgres", "redis", "hangfire" })
        {
            var check = checks.GetProperty(name);
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
            // The checks run side by side inside the report: none can take longer than the whole.
            Assert.InRange(check.GetProperty("durationMs").GetDouble(), 0, total);
            Assert.False(string.IsNullOrWhiteSpace(check.GetProperty("description").GetString()));
        }
    }

    [Fact]
    public async Task Ready_IsDegraded_WithStatus200_WhenRedisIsDown()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var app = new AppFactory(db, redis.ConnectionString, "health:");
        var client = app.CreateClient();
        await Eventually.TrueAsync(async () => (await ReadAsync(client, "/health/ready")).Json.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString() == "Healthy",
            TimeSpan.FromSeconds(20), "redis reported healthy first");

        await redis.StopAsync();

        var ready = await Eventually.ValueAsync(() => ReadAsync(client, "/health/ready"),
            r => r.Json.GetProperty("status").GetString() == "Degraded", TimeSpan.FromSeconds(20), "ready reports Degraded");
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Degraded", ready.Json.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.Json.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Ready_IsUnhealthy_With503_WhenPostgresIsGone_AndLeaksNoConnectionDetails()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // The app's database disappears under it: every new connection is refused, as with the server down.
        await using (var admin = NpgsqlDataSource.Create(await TestServers.PostgresAsync()))
        await using (var cmd = admin.CreateCommand($"DROP DATABASE {db.Name} WITH (FORCE)"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var ready = await Eventually.ValueAsync(() => ReadAsync(client, "/health/ready"),
            r => r.Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20), "ready reports 503");
        Assert.Equal("Unhealthy", ready.Json.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", ready.Json.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString());
        var password = new NpgsqlConnectionStringBuilder(db.ConnectionString).Password;
        Assert.False(string.IsNullOrEmpty(password) ? ready.Raw.Contains("Password", StringComparison.OrdinalIgnoreCase) : ready.Raw.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(db.Name, ready.Raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json, string Raw)> ReadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(raw).RootElement.Clone(), raw);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
