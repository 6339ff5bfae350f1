using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using InvoiceMvc.Infrastructure.Audit;
using InvoiceMvc.Infrastructure.Diagnostics;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Infrastructure.Stats;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace InvoiceMvc.Infrastructure;

public static class DependencyInjection
{
    /// <summary>PostgreSQL, Redis, Hangfire and the generation pipeline, with every setting validated at start-up.</summary>
    public static IHostApplicationBuilder AddInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GenerationOptions>().BindConfiguration(GenerationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InvoicingOptions>().BindConfiguration(InvoicingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RemindersOptions>().BindConfiguration(RemindersOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SimulationOptions>().BindConfiguration(SimulationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var production = builder.Environment.IsProduction();
        services.AddOptions<ClockOptions>().BindConfiguration(ClockOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => !production || o.ShiftDays == 0, "Clock:ShiftDays must be 0 in Production: only a demo or test environment may shift today.")
            .ValidateOnStart();

        // Connection strings are needed to build the container itself, so they are checked here,
        // before any service exists, with a message naming the key.
        var postgres = RequireConnectionString(builder.Configuration, "Postgres");
        var redis = RequireConnectionString(builder.Configuration, "Redis");
        var queues = HangfireQueues(builder.Configuration);

        services.TryAddTimeProvider();
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(postgres).Build());
        services.AddDbContext<InvoiceDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        // First hosted service: a pool size the server cannot take fails start-up before anything connects.
        services.AddHostedService<ConnectionBudget>();

        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            // The app must start and keep generating with Redis down: fail fast, reconnect in the background.
            options.AbortOnConnectFail = false;
            options.BacklogPolicy = BacklogPolicy.FailFast;
            options.ConnectTimeout = 1000;
            options.SyncTimeout = 1000;
            options.AsyncTimeout = 1000;
            options.ConnectRetry = 1;
            options.ReconnectRetryPolicy = new LinearRetry(500);
            return ConnectionMultiplexer.Connect(options);
        });

        // Our own storage and job activator in DI: Hangfire.AspNetCore otherwise resolves the statics
        // JobStorage.Current and JobActivator.Current, which two apps in one process (tests, or two
        // hosts) overwrite for each other, so one app's worker would run jobs with the other's services.
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<JobStorage>(_ =>
        {
            var storageOptions = new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                // Hangfire owns its schema and creates or upgrades it itself (see docs/decisions/002).
                PrepareSchemaIfNecessary = true,
                // START must begin at once: wake workers through LISTEN/NOTIFY instead of waiting for a poll.
                EnableLongPolling = true,
                QueuePollInterval = TimeSpan.FromMilliseconds(500),
                // A killed worker's job becomes visible again quickly; GenerationRecovery resumes even sooner.
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
                UseSlidingInvisibilityTimeout = true,
            };
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(postgres, storageOptions), storageOptions);
        });
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (builder.Configuration.GetValue("Hangfire:ServerEnabled", true))
        {
            services.AddHangfireServer(o =>
            {
                o.Queues = queues;
                o.WorkerCount = 4;
                o.CancellationCheckInterval = TimeSpan.FromMilliseconds(500);
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
            services.AddHostedService<GenerationRecovery>();
        }

        services.AddSingleton<GenerationRunStore>();
        services.AddSingleton<PartyStore>();
        services.AddSingleton<PartyPool>();
        services.AddSingleton<LiveStateHub>();
        services.AddHostedService<PostgresEventListener>();
        services.AddSingleton<StatsCache>();
        services.AddSingleton<StatsCacheWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatsCacheWriter>());
        services.AddMetrics();
        services.AddSingleton<AppMetrics>();
        services.AddSingleton(new InvoiceFaker());
        services.AddScoped<GenerationService>();
        services.AddScoped<GenerationJob>();
        services.AddScoped<InvoiceQueries>();
        services.AddSingleton<InvoiceSearch>();
        services.AddSingleton<AnalyticsQueries>();
        services.AddScoped<AuditTrail>();

        // The invoice lifecycle: payments and voids (scoped: they share the request's DbContext with
        // the audit trail, so the change and its audit entry commit together), and the ledger's reads.
        services.AddSingleton<LifecycleClock>();
        services.AddSingleton<FluentValidation.IValidator<PaymentRequest>, PaymentRequestValidator>();
        services.AddScoped<PaymentService>();
        services.AddScoped<VoidService>();
        services.AddSingleton<LedgerQueries>();
        services.AddSingleton<AgingQueries>();
        services.AddSingleton<InvoiceLifecycleQueries>();
        services.AddSingleton<ReminderJob>();
        services.AddSingleton<PaymentSimulatorJob>();
        services.AddHostedService<LifecycleJobSchedule>();
        return builder;
    }

    /// <summary>Applies the EF Core migrations: the explicit schema step run by scripts/run.sh (`--migrate`) and by test fixtures.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InvoiceDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    /// <summary>
    /// The queues this process's Hangfire server takes jobs from (Hangfire:Queues, comma-separated; by
    /// default both). The run command gives the generation queue a process of its own, so a tick never
    /// shares a thread pool or a garbage collector with the viewers (docs/decisions/020-generation-thread.md).
    /// </summary>
    private static string[] HangfireQueues(IConfiguration configuration)
    {
        var setting = configuration["Hangfire:Queues"];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return [GenerationJob.Queue, DefaultQueue];
        }

        var queues = setting.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = queues.Where(q => q is not (GenerationJob.Queue or DefaultQueue)).ToList();
        if (queues.Length == 0 || unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"Hangfire:Queues must list '{GenerationJob.Queue}', '{DefaultQueue}' or both, comma-separated (got '{setting}').");
        }

        return queues.Distinct().ToArray();
    }

    private const string DefaultQueue = "default";

    private static string RequireConnectionString(IConfiguration configuration, string name)
    {
        var value = configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"ConnectionStrings:{name} is required (set it in appsettings or as ConnectionStrings__{name}).");
        }

        return value;
    }
}
