using InvoiceMvc.Infrastructure.Generation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// The real app (all its hosted services, Hangfire server included) on its own database and Redis
/// key prefix, with settings tests choose. <see cref="StartOnRealPort"/> serves it on Kestrel
/// for clients that need a socket (SSE readers, browsers, a second instance).
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public AppFactory(TestDatabase database, string redis, string keyPrefix, IDictionary<string, string?>? settings = null)
    {
        Database = database;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.ConnectionString,
            ["ConnectionStrings:Redis"] = redis,
            ["Cache:KeyPrefix"] = keyPrefix,
            ["Generation:RatePerSecond"] = "50",
            ["Generation:DurationSeconds"] = "2",
            ["Display:RatePerSecond"] = "10",
            // Production refuses to start without one; a test that scrapes sends it (MetricsTests).
            ["Metrics:BearerToken"] = MetricsToken,
        };
        foreach (var (k, v) in TestAccounts.SeedSettings)
        {
            _settings[k] = v;
        }

        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            _settings[k] = v;
        }
    }

    /// <summary>The scraper's bearer token every test app is given (Metrics:BearerToken).</summary>
    public const string MetricsToken = "test-metrics-token-0123456789";

    public TestDatabase Database { get; }

    /// <summary>The hosting environment; "Testing" unless a test needs to see Production's rules.</summary>
    public string Environment { get; set; } = "Testing";

    public static async Task<AppFactory> CreateAsync(TestDatabase database, IDictionary<string, string?>? settings = null) =>
        new(database, await TestServers.RedisAsync(), $"t{Guid.NewGuid():N}:", settings);

    /// <summary>
    /// START as the controller calls it, without HTTP: for tests of what the pipeline does after START,
    /// which belong with the infrastructure rather than with the controller's status codes.
    /// </summary>
    public async Task<StartResult> StartGenerationAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerationService>().StartAsync(CancellationToken.None);
    }

    /// <summary>STOP as the controller calls it, without HTTP.</summary>
    public async Task<StopResult> StopGenerationAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerationService>().StopAsync(CancellationToken.None);
    }

    /// <summary>Serves the app on 127.0.0.1 on a free port; returns its base address.</summary>
    public Uri StartOnRealPort()
    {
        UseKestrel(0);
        StartServer();
        return ClientOptions.BaseAddress;
    }

    /// <summary>The app's clock; the system's unless a test drives time itself (a FakeTimeProvider).</summary>
    public TimeProvider? Clock { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        if (Clock is { } clock)
        {
            // After the app's own registrations, so this one wins.
            builder.ConfigureServices(services => services.AddSingleton(clock));
        }

        // UseSetting (not ConfigureAppConfiguration) so Program sees the values while it composes services.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
