using System.Diagnostics.Metrics;
using InvoiceMvc.Infrastructure.Stats;

namespace InvoiceMvc.Infrastructure.Diagnostics;

/// <summary>
/// The pipeline's instruments on the app's one meter, "InvoiceMvc". Created from the host's
/// IMeterFactory so that two apps in one process (tests) keep their measurements apart; the
/// exporter (Prometheus at /metrics) lives in Web and knows nothing in here. Instrument names
/// carry no "invoicemvc." prefix because prometheus-net prefixes the meter name itself
/// (invoices.generated becomes invoicemvc_invoices_generated_total, a counter: see docs/decisions/010).
/// </summary>
public sealed class AppMetrics
{
    public const string MeterName = "InvoiceMvc";

    private readonly Counter<long> _invoicesGenerated;
    private readonly Histogram<double> _generatorLag;

    public AppMetrics(IMeterFactory meterFactory, StatsCache stats)
    {
        var meter = meterFactory.Create(MeterName);
        _invoicesGenerated = meter.CreateCounter<long>("invoices.generated", unit: "{invoice}",
            description: "Invoices committed by the generator.");
        _generatorLag = meter.CreateHistogram<double>("generator.lag.seconds", unit: "s",
            description: "How late each invoice was committed relative to its tick on the drift-free schedule.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5] });
        // Observed rather than pushed: StatsCache already counts its fallbacks and needs no metrics dependency.
        meter.CreateObservableCounter("stats.redis_fallbacks", () => stats.Fallbacks, unit: "{read}",
            description: "Stats reads served from PostgreSQL because Redis was unreachable.");
    }

    /// <summary>One invoice committed; <paramref name="lag"/> is commit time minus the tick's due time.</summary>
    public void InvoiceGenerated(TimeSpan lag)
    {
        _invoicesGenerated.Add(1);
        _generatorLag.Record(Math.Max(0, lag.TotalSeconds));
    }
}
