using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace InvoiceMvc.StreamBench;

/// <summary>
/// N viewers that come back like browsers do: when a stream ends or cannot be opened, each waits the delay
/// its stream asked for (the retry field) or, when refused, the Retry-After it was given, and reconnects with
/// Last-Event-ID. Run while the server restarts (scripts/bench_storm.py kills and restarts it), it tells
/// how every viewer came back: the outcome of every connection attempt, when each viewer's latest
/// connection delivered its first row, and whether any row was lost or repeated across the reconnects.
/// </summary>
public static class StormClient
{
    public static async Task<int> RunAsync(Uri url, int viewers, TimeSpan duration, string outPath)
    {
        using var cts = new CancellationTokenSource(duration);
        var outcomes = new ConcurrentDictionary<string, int>();
        var all = new Viewer[viewers];
        var running = new Task[viewers];
        for (var i = 0; i < viewers; i++)
        {
            all[i] = new Viewer();
            running[i] = KeepWatchingAsync(all[i], url, outcomes, cts.Token);
            if (i % 250 == 249)
            {
                await Task.Delay(25);
            }
        }

        await Task.WhenAll(running);
        var figures = new Dictionary<string, object?>
        {
            ["viewers"] = viewers,
            ["outcomes"] = outcomes.OrderByDescending(o => o.Value).ToDictionary(o => o.Key, o => o.Value),
            ["streaming_at_end"] = all.Count(v => v.Status == 200 && v.FirstRowAtMs > 0),
            ["viewers_with_lost_rows"] = all.Count(v => v.Lost > 0),
            ["viewers_with_repeated_rows"] = all.Count(v => v.Repeated > 0),
            ["rows"] = all.Sum(v => v.Rows),
            ["first_row_at_ms"] = all.Select(v => v.FirstRowAtMs).ToArray(),
        };
        await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(figures));
        return 0;
    }

    private static async Task KeepWatchingAsync(Viewer viewer, Uri url, ConcurrentDictionary<string, int> outcomes, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await viewer.RunAsync(url, ct);
            if (ct.IsCancellationRequested)
            {
                return;
            }

            var outcome = viewer.Status switch
            {
                0 => viewer.Error ?? "no response",
                200 => "200, then " + (viewer.Error ?? "ended"),
                var status => "HTTP " + status.ToString(CultureInfo.InvariantCulture),
            };
            outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            var wait = viewer.Status == 503 && viewer.RetryAfterSeconds is { } seconds ? seconds * 1000 : viewer.RetryMs;
            try
            {
                await Task.Delay(wait, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
