using System.Diagnostics.Metrics;
using InvoiceMvc.Infrastructure.Diagnostics;
using Prometheus;

namespace InvoiceMvc.Web.Operations;

/// <summary>
/// This app's Prometheus registry, fed by prometheus-net's meter adapter (histograms, up-down
/// counters) and <see cref="PrometheusCounterBridge"/> (counters, as Prometheus counters), which export the app's own meters
/// ("InvoiceMvc" and any "InvoiceMvc.*", such as the dashboard's) created from this host's
/// IMeterFactory. A registry per app instead of prometheus-net's static default one: two apps in
/// one process (tests) must not export each other's measurements, and touching the default
/// registry would start a process-wide listener on every meter.
/// </summary>
public sealed class PrometheusExport : IDisposable
{
    private readonly IDisposable _adapter;
    private readonly PrometheusCounterBridge _counters;

    public PrometheusExport(IMeterFactory meterFactory)
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        bool Ours(Instrument i) => ReferenceEquals(i.Meter.Scope, meterFactory) && IsOurs(i.Meter.Name);
        _counters = new PrometheusCounterBridge(Registry, Ours);
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            // The options default to the static factory, which would ignore Registry.
            MetricFactory = Metrics.WithCustomRegistry(Registry),
            // The adapter drops series idle for 5 minutes by default, so histograms would vanish between
            // runs; a day is the longest it allows (one idle longer restarts at its next measurement).
            MetricsExpireAfter = TimeSpan.FromDays(1),
            InstrumentFilterPredicate = i => Ours(i) && !PrometheusCounterBridge.IsCounter(i),
            // Use the buckets each histogram advises (seconds for lag, milliseconds for stream latency).
            ResolveHistogramBuckets = i => i is Histogram<double> { Advice.HistogramBucketBoundaries: { } b } ? [.. b] : MeterAdapterOptions.DefaultHistogramBuckets,
        });
    }

    public CollectorRegistry Registry { get; }

    public void Dispose()
    {
        _adapter.Dispose();
        _counters.Dispose();
    }

    private static bool IsOurs(string meter) =>
        meter == AppMetrics.MeterName || meter.StartsWith(AppMetrics.MeterName + ".", StringComparison.Ordinal);
}
