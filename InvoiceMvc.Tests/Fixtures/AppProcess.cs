using System.Diagnostics;
using System.Globalization;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>The built web app as a separate OS process, so a test can kill -9 it mid-run.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int KeptLines = 2000;

    /// <summary>
    /// How long a start may take: a few seconds usually, but well over 30 s on a 2-core machine
    /// that other work loads (seen at a load average of 40+). A deadline only: a start that
    /// succeeds returns at once, one that fails (the process exits) fails at once.
    /// </summary>
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(120);
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The app's last lines of output (stdout and stderr), for a failing test to show.</summary>
    public IReadOnlyList<string> RecentOutput => [.. _output];

    /// <param name="environment">ASPNETCORE_ENVIRONMENT; E2E runs the app as in Production.</param>
    public static async Task<AppProcess> StartAsync(TestDatabase db, string redis, string keyPrefix, IDictionary<string, string?> settings, string environment = "Testing")
    {
        // The Web project's own build output sits beside the calling test project's:
        // <root>/<TestProject>/bin/<Configuration>/<tfm>/ -> <root>/InvoiceMvc.Web/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!;
        var root = configuration.Parent!.Parent!.Parent!;
        var webBin = Path.Combine(root.FullName, "InvoiceMvc.Web", "bin", configuration.Name, tfm.Name);
        var dll = Path.Combine(webBin, "InvoiceMvc.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build InvoiceMvc.Web first", dll);
        }

        var port = TestServers.FreePort();
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            // As scripts/run.sh runs it: from the project folder, whose wwwroot the app serves.
            WorkingDirectory = Path.Combine(root.FullName, "InvoiceMvc.Web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        psi.Environment["ConnectionStrings__Postgres"] = db.ConnectionString;
        psi.Environment["ConnectionStrings__Redis"] = redis;
        psi.Environment["Cache__KeyPrefix"] = keyPrefix;
        foreach (var (k, v) in TestAccounts.SeedSettings.Concat(settings))
        {
            psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        }

        var process = Process.Start(psi)!;
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = app.BaseAddress };
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} during start-up:\n{string.Join('\n', app.RecentOutput)}");
            }

            try
            {
                return (await probe.GetAsync("/")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, StartDeadline, "the app process serves /", TimeSpan.FromMilliseconds(100));
        return app;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no graceful Hangfire stop, connections just vanish.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
