using InvoiceMvc.Infrastructure.Generation;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// One app (database, Redis key prefix, app on a real port) for a whole test class, instead of one per
/// test: an xunit class fixture. Start-up is most of a short test's time, so a class of N tests starts
/// once instead of N times. A test class takes it with <c>IClassFixture&lt;SharedApp&gt;</c> (or a
/// subclass that overrides <see cref="Settings"/>) and calls <see cref="ResetAsync"/> from its own
/// <c>IAsyncLifetime.InitializeAsync</c>, which xunit runs before each test.
/// <para>
/// What a reset makes fresh: no run active (one still running is stopped and its Hangfire job waited
/// out, so it cannot write into the next test), the tables emptied as the migrations left them
/// (<see cref="TestDatabase.EmptyAsync"/>), and the app's Redis keys gone. What it keeps:
/// Identity's users and roles (seeded once at start-up), the data-protection keys (the app holds them),
/// Hangfire's schema and job history, and the app's in-memory live state. That last one is why a class
/// shares an app only when its tests don't read live totals or run state that another test changed:
/// LiveStateHub only ever moves forward, so after a test that generated invoices the hub would keep
/// showing them. Tests that generate, or that need their own settings or seed data before start-up,
/// keep an app of their own (<see cref="DashboardApp"/>).
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a class fixture through IAsyncLifetime.DisposeAsync.")]
public class SharedApp : IAsyncLifetime
{
    private const short Running = 1; // RunStatus.Running
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _keyPrefix = $"t{Guid.NewGuid():N}:";
    private TestDatabase? _database;
    private AppFactory? _factory;

    public TestDatabase Database => _database ?? throw NotStarted();
    public AppFactory Factory => _factory ?? throw NotStarted();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Settings on top of <see cref="AppFactory"/>'s; a subclass overrides them for its class.</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _factory = new AppFactory(_database, await TestServers.RedisAsync(), _keyPrefix, Settings);
        BaseAddress = _factory.StartOnRealPort();
    }

    /// <summary>A client of the shared app with its own cookies, not following redirects.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };

    /// <summary>Brings the shared app back to an empty, idle state (see the class summary for what stays).</summary>
    public async Task ResetAsync()
    {
        if (await Database.ScalarAsync<long>($"SELECT count(*) FROM generation_runs WHERE status = {Running}") > 0)
        {
            await using var scope = Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<GenerationService>().StopAsync(CancellationToken.None);
        }

        await Eventually.TrueAsync(
            async () => await Database.ScalarAsync<long>(
                $"SELECT (SELECT count(*) FROM generation_runs WHERE status = {Running}) + (SELECT count(*) FROM hangfire.job WHERE statename IN ('Enqueued', 'Processing'))") == 0,
            Deadline, "no generation run or job is active before the reset", TimeSpan.FromMilliseconds(50));

        await Database.EmptyAsync();
        await FlushRedisAsync();
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_database is not null)
        {
            await FlushRedisAsync();
            await _database.DisposeAsync();
        }
    }

    private async Task FlushRedisAsync()
    {
        var options = ConfigurationOptions.Parse(await TestServers.RedisAsync());
        options.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: _keyPrefix + "*"))
            {
                await db.KeyDeleteAsync(key);
            }
        }
    }

    private static InvalidOperationException NotStarted() => new("The shared app starts in InitializeAsync: take it as an xunit class fixture.");
}
