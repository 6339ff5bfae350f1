using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;
using Xunit.Abstractions;

namespace InvoiceMvc.Tests.Web.Dashboard;

[Collection(nameof(SerialCollection))]
public sealed partial class DashboardTimingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stream_PacesRowsAtTwoPerSecond_MedianGapWithinFivePercent_NeverFaster()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "50",
            ["Generation:DurationSeconds"] = "4",
            ["Display:RatePerSecond"] = "2",
        });
        var sentAt = new List<long>();
        using var sends = ListenTo<long>(app, "rows_sent", _ =>
        {
            lock (sentAt)
            {
                sentAt.Add(Stopwatch.GetTimestamp());
            }
        });
        await app.StartRunAsync();
        // The generator is well ahead (and keeps running for a while): the viewer always has a backlog.
        await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 30, Wait, "30 invoices");
        await using var stream = await app.StreamAsync("/events?after=0");

        // 21 rows span 20 intervals: 10 s at 2/s, while the generator runs far ahead at 50/s. The first
        // 5 rows are a warm-up (first Razor renders, JIT, the first cache fill) and are not measured.
        var all = new List<SseEvent>();
        while (all.Count < 26)
        {
            all.Add((await stream.UntilAsync(e => e.Type == "invoice", Wait, "the next row")).Match);
        }

        Assert.Equal(Enumerable.Range(1, 26).Select(i => (long)i), all.Select(r => r.InvoiceId));
        var rows = all.Skip(5).ToList();

        var window = Stopwatch.GetElapsedTime(rows[0].Timestamp, rows[^1].Timestamp);
        var gaps = rows.Zip(rows.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalMilliseconds).ToList();
        output.WriteLine($"20 intervals took {window.TotalMilliseconds:0} ms; gaps min {gaps.Min():0} ms, max {gaps.Max():0} ms");

        // The real-time smoke test of the pacing: the exact schedule (every 500 ms to the tick, no idle
        // credit, a stall re-anchors) is asserted on a fake clock in Web/Dashboard/ViewerStateTests.
        // The rate: the typical gap is 500 ms +-5 % (alone, 6 of 6 runs took 9,998-10,004 ms for the 20
        // intervals). A busy 2-core CI machine stalls the stream now and then; the pacer then re-anchors
        // instead of bursting, so a stall makes one long gap and never a burst.
        // Each stall re-anchors the pacer and so adds its own length to the window: a loaded machine
        // (seen: gaps up to 1,336 ms, 12.3 s for the 20 intervals) lengthens it without bound, so the
        // window is checked only from below (never faster) and the rate by the median.
        var median = gaps.Order().ElementAt(gaps.Count / 2);
        Assert.InRange(median, 475, 525);
        Assert.True(window.TotalSeconds >= 9.5, $"20 intervals took {window.TotalSeconds:0.000} s: faster than 2 rows/s");
        // Never a burst: any two consecutive gaps between the server's writes together span at least
        // 400 ms, so three rows never leave (nearly) at once. Judged where the pacer acts, when the
        // server has written each row (its rows_sent measurements), not when this reader got it: on a
        // busy machine the reader itself may be held up for a second or more and then read three rows
        // that left 500 ms apart in the same millisecond (seen: gaps 1458, 3, 39 ms at the reader).
        // Not a bound on single gaps: a write that woke late shortens the next gap by as much. A pacer
        // that caught up in a burst after a stall writes rows back to back and fails here; its exact
        // spacing is asserted on the fake clock.
        long[] sent;
        lock (sentAt)
        {
            sent = [.. sentAt];
        }

        Assert.True(sent.Length >= 26, $"{sent.Length} rows_sent measurements for 26 rows read");
        var sentGaps = sent.Skip(5).Take(21).Zip(sent.Skip(6).Take(20), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToList();
        var pairs = sentGaps.Zip(sentGaps.Skip(1), (a, b) => a + b).ToList();
        Assert.All(pairs, p => Assert.True(p >= 400, $"three rows written within {p:0} ms (gaps {string.Join(", ", sentGaps.Select(g => g.ToString("0", CultureInfo.InvariantCulture)))} ms)"));
    }

    [Fact]
    public async Task Stats_ReachTheViewerWithin100ms_OfTheInvoiceCommit()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "20",
            ["Generation:DurationSeconds"] = "2",
        });
        var serverLatencies = new List<double>();
        using var listener = ListenToLatency(app, serverLatencies);
        await using var stream = await app.StreamAsync();
        await stream.UntilAsync(e => e.Type == "stats", Wait, "the first stats");

        await app.StartRunAsync();
        var received = new List<(long LastId, DateTimeOffset At)>();
        while (received.Count == 0 || received[^1].LastId < 40)
        {
            var (e, _) = await stream.UntilAsync(e => e.Type == "stats", Wait, "stats up to invoice 40");
            received.Add((long.Parse(LastId().Match(e.Data).Groups[1].Value, CultureInfo.InvariantCulture), e.ReceivedAt));
        }

        var committed = new Dictionary<long, DateTimeOffset>();
        await using (var cmd = app.Database.DataSource.CreateCommand("SELECT id, pg_xact_commit_timestamp(xmin) FROM invoices"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                committed[r.GetInt64(0)] = r.GetFieldValue<DateTimeOffset>(1);
            }
        }

        var latencies = received.Select(x => (x.At - committed[x.LastId]).TotalMilliseconds).Order().ToList();
        var p95 = latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1];
        output.WriteLine($"{latencies.Count} stats events: commit -> received median {latencies[latencies.Count / 2]:0.0} ms, p95 {p95:0.0} ms, max {latencies[^1]:0.0} ms");
        lock (serverLatencies)
        {
            output.WriteLine($"server histogram: {serverLatencies.Count} records, max {serverLatencies.DefaultIfEmpty().Max():0.0} ms");
            Assert.NotEmpty(serverLatencies);
        }

        Assert.True(latencies.Count >= 20, $"a stats event per commit or close to it (got {latencies.Count} for 40 invoices)");
        Assert.True(p95 < 100, $"p95 commit-to-viewer latency {p95:0.0} ms");
    }

    private static MeterListener ListenToLatency(DashboardApp app, List<double> sink) =>
        ListenTo<double>(app, "stats_latency", value =>
        {
            lock (sink)
            {
                sink.Add(value);
            }
        });

    // Each measurement of one of this app's instruments (other tests' apps run in the same process).
    private static MeterListener ListenTo<T>(DashboardApp app, string name, Action<T> record) where T : struct
    {
        var factory = app.Service<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == name && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<T>((_, value, _, _) => record(value));
        listener.Start();
        return listener;
    }

    [GeneratedRegex("data-last-invoice-id=\"(\\d+)\"")]
    private static partial Regex LastId();
}
