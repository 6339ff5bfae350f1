using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// A TCP hop between an app and the shared PostgreSQL that a test can cut: <see cref="Cut"/> resets
/// every open connection and refuses new ones (what the app sees when its server stops), without
/// stopping the server the other tests use; <see cref="Restore"/> accepts again on the same port.
/// <see cref="Latency"/> makes it a slow link instead: every answer from the server arrives that much later.
/// </summary>
public sealed class PostgresLink : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<int, (TcpClient App, TcpClient Server)> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private TcpListener _listener;
    private Task _accepting;
    private int _next;
    private long _latencyTicks;

    public PostgresLink(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _target = new IPEndPoint(Dns.GetHostAddresses(builder.Host!).First(a => a.AddressFamily == AddressFamily.InterNetwork), builder.Port);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        builder.Host = "127.0.0.1";
        builder.Port = Port;
        ConnectionString = builder.ConnectionString;
        _accepting = AcceptAsync(_listener);
    }

    public int Port { get; }

    /// <summary>The same database, through this link.</summary>
    public string ConnectionString { get; }

    /// <summary>How long each answer from the server is held before the app gets it (zero: passed on at once).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    public void Cut()
    {
        _listener.Stop();
        foreach (var key in _open.Keys)
        {
            if (_open.TryRemove(key, out var pair))
            {
                pair.App.Client.LingerState = new LingerOption(true, 0); // RST, as a dead server's kernel answers
                pair.App.Dispose();
                pair.Server.Dispose();
            }
        }
    }

    public void Restore()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync(_listener);
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient app;
            try
            {
                app = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // cut or disposed
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                app.Dispose();
                server.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _next);
            _open[id] = (app, server);
            _ = PumpAsync(id, app.GetStream(), server.GetStream(), delayed: false);
            _ = PumpAsync(id, server.GetStream(), app.GetStream(), delayed: true);
        }
    }

    private async Task PumpAsync(int id, NetworkStream from, NetworkStream to, bool delayed)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (delayed && Latency is { } latency && latency > TimeSpan.Zero)
                {
                    await Task.Delay(latency, _stop.Token);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // cut
        }

        if (_open.TryRemove(id, out var pair))
        {
            pair.App.Dispose();
            pair.Server.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Cut();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
