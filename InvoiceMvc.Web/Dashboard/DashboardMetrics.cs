using System.Diagnostics.Metrics;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// The dashboard's instruments (meter "InvoiceMvc.Dashboard"): open streams, rows sent, rows
/// rendered (once per server, not per viewer) and the commit-to-send latency of stats events.
/// </summary>
public sealed class DashboardMetrics
{
    public const string MeterName = "InvoiceMvc.Dashboard";

    private readonly Histogram<double> _statsLatency;
    private readonly Counter<long> _rowsSent;
    private readonly Counter<long> _rowsRendered;
    private long _openStreams;
    private long _renderedTotal;

    public DashboardMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _statsLatency = meter.CreateHistogram<double>("stats_latency", unit: "ms",
            description: "From the commit of an invoice (producer's clock) to its stats event written to a viewer's stream.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
        _rowsSent = meter.CreateCounter<long>("rows_sent", description: "Invoice rows written to viewers' streams.");
        _rowsRendered = meter.CreateCounter<long>("rows_rendered", description: "Invoice rows rendered for the streams (once per row per server).");
        meter.CreateObservableUpDownCounter("open_streams", () => Interlocked.Read(ref _openStreams),
            description: "SSE streams currently open on this server.");
    }

    /// <summary>Streams whose loop is still running on this server.</summary>
    public long OpenStreams => Interlocked.Read(ref _openStreams);

    /// <summary>Rows rendered since start (the render-once cache's misses).</summary>
    public long RowsRendered => Interlocked.Read(ref _renderedTotal);

    public void StreamOpened() => Interlocked.Increment(ref _openStreams);

    public void StreamClosed() => Interlocked.Decrement(ref _openStreams);

    public void RowSent() => _rowsSent.Add(1);

    public void RowRendered()
    {
        Interlocked.Increment(ref _renderedTotal);
        _rowsRendered.Add(1);
    }

    public void StatsLatency(TimeSpan latency) => _statsLatency.Record(latency.TotalMilliseconds);
}
