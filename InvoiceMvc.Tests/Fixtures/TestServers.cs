using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Testcontainers.PostgreSql;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// The real servers the tests talk to. PostgreSQL: the server scripts/test.sh started
/// (INVOICEMVC_TEST_POSTGRES) or, when that is not set and Docker is reachable, a Testcontainers
/// one. Redis: INVOICEMVC_TEST_REDIS, or a redis-server process started here.
/// </summary>
public static class TestServers
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _postgres;
    private static string? _redis;

    public static async Task<string> PostgresAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_postgres is not null)
            {
                return _postgres;
            }

            var fromEnv = Environment.GetEnvironmentVariable("INVOICEMVC_TEST_POSTGRES");
            if (!string.IsNullOrWhiteSpace(fromEnv))
            {
                return _postgres = fromEnv;
            }

            // No server given: try Docker (throws DockerUnavailableException within ~1 s when there is none).
            var container = new PostgreSqlBuilder("postgres:15")
                .WithCommand("-c", "track_commit_timestamp=on", "-c", "fsync=off", "-c", "max_connections=300")
                .Build();
            try
            {
                await container.StartAsync();
            }
            catch (DotNet.Testcontainers.Builders.DockerUnavailableException ex)
            {
                throw new InvalidOperationException(
                    "No PostgreSQL for the tests: run them with scripts/test.sh, or set INVOICEMVC_TEST_POSTGRES, or make Docker reachable.", ex);
            }

            return _postgres = container.GetConnectionString();
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task<string> RedisAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_redis is not null)
            {
                return _redis;
            }

            var fromEnv = Environment.GetEnvironmentVariable("INVOICEMVC_TEST_REDIS");
            if (!string.IsNullOrWhiteSpace(fromEnv))
            {
                return _redis = fromEnv;
            }

            var server = await RedisServer.StartAsync();
            return _redis = server.ConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A redis-server process of a test's own, so the test can stop and restart it.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _process;

    private RedisServer(int port, string dir)
    {
        Port = port;
        _dir = dir;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServer> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("imvc-redis-").FullName;
        var server = new RedisServer(TestServers.FreePort(), dir);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        var psi = new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(() => Task.FromResult(CanConnect()), TimeSpan.FromSeconds(10), "redis-server accepts connections");
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing answers, as with a hung host.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server carry on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running");
        using var kill = Process.Start("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} exited {kill.ExitCode}");
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private bool CanConnect()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
