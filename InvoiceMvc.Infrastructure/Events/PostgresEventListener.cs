using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// LISTENs on <see cref="LiveStateChannel.Channel"/> and <see cref="InvoiceChangedChannel.Channel"/> with a
/// dedicated connection and feeds every notification into the <see cref="LiveStateHub"/>. While the connection is down it polls the
/// database once a second instead, so the dashboards slow down but never freeze. The only publisher
/// into the hub (see docs/decisions/010-live-state-publisher.md), of the states and of whether
/// PostgreSQL is reachable at all: a lost connection, a ping unanswered within
/// <see cref="PingTimeout"/> that a new connection cannot answer within <see cref="ConfirmTimeout"/>
/// either, or a failed poll marks it lost; LISTEN back or a poll that succeeds marks it reachable again.
/// </summary>
public sealed class PostgresEventListener(
    NpgsqlDataSource dataSource,
    GenerationRunStore store,
    LiveStateHub hub,
    ILogger<PostgresEventListener> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // An idle listening connection is pinged this often: a stopped server or a cut link is noticed
    // (and shown on every dashboard) within about two seconds, for one `SELECT 1` a second.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);

    /// <summary>A ping unanswered this long makes PostgreSQL suspect, even before the socket says so.</summary>
    internal static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A suspect PostgreSQL is lost only if a new connection cannot run <c>SELECT 1</c> within this
    /// either: on a machine loaded far past its cores a ping can take over a second while the
    /// database is fine, and the dashboards must not cry "lost" then.
    /// </summary>
    internal static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(2);

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
            catch (ListenerStalledException ex)
            {
                logger.LogWarning(ex, "Event listener reconnects; PostgreSQL itself answers");
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                if (hub.SetDatabaseReachable(false))
                {
                    logger.LogWarning(ex, "Event listener lost PostgreSQL; polling every {Interval} until it is back", PollInterval);
                }
                else
                {
                    logger.LogDebug(ex, "Event listener still cannot listen");
                }

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
            if (e.Channel == InvoiceChangedChannel.Channel)
            {
                if (InvoiceChangedChannel.Parse(e.Payload) is { } invoiceId)
                {
                    hub.PublishInvoiceChanged(invoiceId);
                }
            }
            else if (LiveStateChannel.Parse(e.Payload) is { } state)
            {
                hub.Publish(state);
            }
        };

        await using (var listen = new NpgsqlCommand($"LISTEN {LiveStateChannel.Channel}; LISTEN {InvoiceChangedChannel.Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever committed while nobody listened.
        hub.Publish(await store.ReadLiveStateAsync(stoppingToken));
        MarkReachable();
        logger.LogInformation("Listening for invoice events on {Channel}", LiveStateChannel.Channel);

        while (true)
        {
            // A bounded wait doubles as a keep-alive check of the listening connection.
            if (!await connection.WaitAsync(PingInterval, stoppingToken))
            {
                await PingAsync(connection, stoppingToken);
            }
        }
    }

    private async Task PingAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(PingTimeout);
        // Npgsql's own cancellation can take seconds more on a dead link, so the check on a new
        // connection starts the moment the ping is late, not when its cancellation returns.
        var ping = new PingVerdict();
        Task<bool>? answersElsewhere = null;
        await using (timeout.Token.Register(() =>
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                answersElsewhere = AnswersOnANewConnectionAsync(ping, stoppingToken);
            }
        }))
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(timeout.Token);
                // A late answer is still an answer: it overrules the check it started, whatever that
                // check concluded (or will conclude) on its new connection.
                ping.Answered();
                MarkReachable();
                return;
            }
            catch (OperationCanceledException ex) when (!stoppingToken.IsCancellationRequested && answersElsewhere is not null)
            {
                if (await answersElsewhere)
                {
                    throw new ListenerStalledException($"The listening connection did not answer a ping within {PingTimeout.TotalSeconds:0.#} s, but a new connection did; listening again.", ex);
                }

                throw new TimeoutException($"PostgreSQL answered neither the listening connection within {PingTimeout.TotalSeconds:0.#} s nor a new one within {ConfirmTimeout.TotalSeconds:0.#} s.", ex);
            }
        }
    }

    /// <summary>
    /// <c>SELECT 1</c> on a new connection within <see cref="ConfirmTimeout"/>; the moment that
    /// deadline passes the hub hears PostgreSQL is lost, whenever Npgsql gives up, unless the late
    /// <paramref name="ping"/> has answered by then.
    /// </summary>
    private async Task<bool> AnswersOnANewConnectionAsync(PingVerdict ping, CancellationToken stoppingToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(ConfirmTimeout);
        await using var lost = deadline.Token.Register(() =>
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                MarkLost(ping);
            }
        });
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(deadline.Token);
            await using var query = new NpgsqlCommand("SELECT 1", probe);
            await query.ExecuteScalarAsync(deadline.Token);
            return true;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is NpgsqlException or OperationCanceledException or TimeoutException or IOException)
        {
            MarkLost(ping);
            return false;
        }
    }

    private void MarkLost(PingVerdict ping)
    {
        if (ping.TryMarkLost(hub))
        {
            logger.LogWarning("PostgreSQL answered neither a ping within {PingTimeoutSeconds} s nor a new connection within {ConfirmTimeoutSeconds} s: marked unreachable",
                PingTimeout.TotalSeconds, ConfirmTimeout.TotalSeconds);
        }
    }

    private void MarkReachable()
    {
        if (hub.SetDatabaseReachable(true))
        {
            logger.LogInformation("PostgreSQL is reachable again");
        }
    }

    private async Task PollOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            hub.Publish(await store.ReadLiveStateAsync(stoppingToken));
            MarkReachable();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            hub.SetDatabaseReachable(false);
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

    /// <summary>
    /// One late ping and the check its timeout started on a new connection: once the ping has answered,
    /// the check can no longer call PostgreSQL lost. Without it, a ping answering after its timeout left
    /// the check's later "lost" standing for good while every later ping answered in time, and no
    /// dashboard fetched a row again (seen with 10,000 viewers connecting to a freshly started app).
    /// </summary>
    private sealed class PingVerdict
    {
        private readonly Lock _gate = new();
        private bool _answered;

        public void Answered()
        {
            lock (_gate)
            {
                _answered = true;
            }
        }

        /// <summary>Marks PostgreSQL lost unless the ping answered first; true when that changed the hub.</summary>
        public bool TryMarkLost(LiveStateHub hub)
        {
            lock (_gate)
            {
                return !_answered && hub.SetDatabaseReachable(false);
            }
        }
    }
}

/// <summary>The listening connection stopped answering while PostgreSQL still does: listen again, nothing is lost.</summary>
internal sealed class ListenerStalledException(string message, Exception inner) : Exception(message, inner);
