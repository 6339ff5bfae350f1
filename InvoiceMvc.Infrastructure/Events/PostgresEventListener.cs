using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// LISTENs on <see cref="LiveStateChannel.Channel"/> with a dedicated connection and feeds every
/// notification into the <see cref="LiveStateHub"/>. While the connection is down it polls the
/// database once a second instead, so the dashboards slow down but never freeze. The only publisher
/// into the hub (see docs/decisions/010-live-state-publisher.md).
/// </summary>
public sealed class PostgresEventListener(
    NpgsqlDataSource dataSource,
    GenerationRunStore store,
    LiveStateHub hub,
    ILogger<PostgresEventListener> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                logger.LogWarning(ex, "Event listener lost PostgreSQL; polling every {Interval} until it is back", PollInterval);
                await PollOnceAsync(stoppingToken);
                await Delay(PollInterval, stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            var state = LiveStateChannel.Parse(e.Payload);
            if (state is not null)
            {
                hub.Publish(state);
            }
        };

        await using (var listen = new NpgsqlCommand($"LISTEN {LiveStateChannel.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever committed while nobody listened.
        hub.Publish(await store.ReadLiveStateAsync(stoppingToken));
        logger.LogInformation("Listening for invoice events on {Channel}", LiveStateChannel.Channel);

        while (true)
        {
            // A bounded wait doubles as a keep-alive check of the listening connection.
            if (!await connection.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
    }

    private async Task PollOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            hub.Publish(await store.ReadLiveStateAsync(stoppingToken));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            logger.LogDebug(ex, "Poll failed; PostgreSQL still unreachable");
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }
}
