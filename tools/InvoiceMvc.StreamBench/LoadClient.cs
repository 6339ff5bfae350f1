using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace InvoiceMvc.StreamBench;

/// <summary>
/// N viewers on one URL: connect them (in batches, so the listen queue is not the thing measured),
/// let them settle for the warm-up, then count each one's rows over the window and record each stats
/// event's arrival. With a PostgreSQL connection string, each stats event's latency is its arrival minus
/// the commit time of the invoice it counts up to (track_commit_timestamp; same machine, same clock); without one,
/// its arrival minus the publication time the frame carries (the bare writer's /live). Writes the figures as JSON.
/// </summary>
public static class LoadClient
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(Uri url, int viewers, TimeSpan warmup, TimeSpan window, string outPath, string? postgres, int? serverPid)
    {
        var rssBefore = serverPid is { } p0 ? ServerProcess.RssKb(p0) : 0;
        using var cts = new CancellationTokenSource();
        var all = new Viewer[viewers];
        var running = new Task[viewers];
        var connecting = Stopwatch.StartNew();
        for (var i = 0; i < viewers; i++)
        {
            all[i] = new Viewer();
            running[i] = all[i].RunAsync(url, cts.Token);
            if (i % 250 == 249)
            {
                await Task.Delay(25);
            }
        }

        var connectSeconds = connecting.Elapsed.TotalSeconds;
        await Task.Delay(warmup);
        foreach (var v in all)
        {
            v.MarkStart();
            v.Recording = true;
        }

        var cpuAtStart = serverPid is { } p1 ? ServerProcess.CpuSeconds(p1) : 0;
        var started = Stopwatch.StartNew();
        await Task.Delay(window);
        var seconds = started.Elapsed.TotalSeconds;
        var cpu = serverPid is { } p2 ? ServerProcess.CpuSeconds(p2) - cpuAtStart : 0;
        var rssEnd = serverPid is { } p3 ? ServerProcess.RssKb(p3) : 0;
        foreach (var v in all)
        {
            v.Recording = false;
            v.MarkEnd();
        }

        await cts.CancelAsync();
        await Task.WhenAll(running);

        var rates = all.Select(v => (v.RowsAtEnd - v.RowsAtStart) / seconds).Order().ToArray();
        var latencies = postgres is null ? PublishedLatencies(all) : await LatenciesAsync(all, postgres);
        var figures = new Dictionary<string, object?>
        {
            ["viewers"] = viewers,
            ["connect_seconds"] = Math.Round(connectSeconds, 1),
            ["window_seconds"] = Math.Round(seconds, 1),
            ["ok"] = all.Count(v => v.Status == 200 && v.Error is null),
            ["errors"] = all.Where(v => v.Status != 200 || v.Error is not null)
                .GroupBy(v => v.Status == 200 ? v.Error! : "HTTP " + v.Status.ToString(CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Count()),
            ["rows_delivered"] = all.Sum(v => v.RowsAtEnd - v.RowsAtStart),
            ["rows_per_viewer_mean"] = rates.Length == 0 ? 0 : Math.Round(rates.Average(), 3),
            ["rows_per_viewer_p1"] = Percentile(rates, 0.01),
            ["server_cpu_seconds"] = Math.Round(cpu, 2),
            ["server_rss_kb_before"] = rssBefore,
            ["server_rss_kb_end"] = rssEnd,
            ["client_cpu_seconds"] = Math.Round(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, 2),
            ["stats_events"] = all.Sum(v => v.Stats.Count),
            ["stats_latency_ms_p50"] = Percentile(latencies, 0.50),
            ["stats_latency_ms_p99"] = Percentile(latencies, 0.99),
        };
        await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(figures, Indented));
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }

    /// <summary>The bare writer's: each stats event's arrival minus the time its frame says it was published.</summary>
    private static double[] PublishedLatencies(Viewer[] all) =>
        FirstPerViewer(all).Where(s => s.PublishedAt > 0)
            .Select(s => (s.At - s.PublishedAt) / (double)TimeSpan.TicksPerMillisecond).Order().ToArray();

    // Only the first stats event naming an invoice counts for it (a later one is a refresh, not its delivery).
    private static (long Id, long At, long PublishedAt)[] FirstPerViewer(Viewer[] all) =>
        all.SelectMany(v => v.Stats.Where(s => s.Id > 0).GroupBy(s => s.Id).Select(g => g.First())).ToArray();

    private static async Task<double[]> LatenciesAsync(Viewer[] all, string postgres)
    {
        var firstPerViewer = FirstPerViewer(all);
        if (firstPerViewer.Length == 0)
        {
            return [];
        }

        var low = firstPerViewer.Min(s => s.Id);
        var high = firstPerViewer.Max(s => s.Id);
        var committed = new Dictionary<long, long>();
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, pg_xact_commit_timestamp(xmin) FROM invoices WHERE id BETWEEN @low AND @high", connection);
        cmd.Parameters.AddWithValue("low", low);
        cmd.Parameters.AddWithValue("high", high);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            committed[reader.GetInt64(0)] = reader.GetFieldValue<DateTime>(1).ToUniversalTime().Ticks;
        }

        return firstPerViewer.Where(s => committed.ContainsKey(s.Id))
            .Select(s => (s.At - committed[s.Id]) / (double)TimeSpan.TicksPerMillisecond).Order().ToArray();
    }

    internal static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 3);
}
