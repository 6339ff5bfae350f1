using System.Diagnostics;
using System.Globalization;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>The built web app as a separate OS process, so a test can kill -9 it mid-run.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<AppProcess> StartAsync(TestDatabase db, string redis, string keyPrefix, IDictionary<string, string?> settings)
    {
        // The Web project's own build output sits beside ours: .../InvoiceMvc.Web/bin/<Configuration>/net10.0/
        var ourBin = AppContext.BaseDirectory;
        var webBin = ourBin.Replace($"{Path.DirectorySeparatorChar}InvoiceMvc.Tests{Path.DirectorySeparatorChar}", $"{Path.DirectorySeparatorChar}InvoiceMvc.Web{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        var dll = Path.Combine(webBin, "InvoiceMvc.Web.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build InvoiceMvc.Web first", dll);
        }

        var port = TestServers.FreePort();
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = webBin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        psi.Environment["ConnectionStrings__Postgres"] = db.ConnectionString;
        psi.Environment["ConnectionStrings__Redis"] = redis;
        psi.Environment["Cache__KeyPrefix"] = keyPrefix;
        foreach (var (k, v) in TestAccounts.SeedSettings.Concat(settings))
        {
            psi.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        using var probe = new HttpClient { BaseAddress = app.BaseAddress };
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} during start-up");
            }

            try
            {
                return (await probe.GetAsync("/")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "the app process serves /", TimeSpan.FromMilliseconds(100));
        return app;
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
