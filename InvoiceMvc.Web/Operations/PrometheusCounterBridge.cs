using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Prometheus;

namespace InvoiceMvc.Web.Operations;

/// <summary>
/// Exports the app's .NET counters (Counter&lt;T&gt;, ObservableCounter&lt;T&gt;) as Prometheus counters
/// named <c>&lt;meter&gt;_&lt;instrument&gt;_total</c>. prometheus-net's MeterAdapter exports them as
/// gauges on purpose (a .NET meter can be re-created and restart from zero), which breaks rate()
/// and increase(); here a meter lives as long as its app, and a restarted process is the reset
/// Prometheus expects. Measurement tags are not exported: the app's counters carry none.
/// </summary>
internal sealed class PrometheusCounterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Counter> _counters = new();

    public PrometheusCounterBridge(CollectorRegistry registry, Func<Instrument, bool> include)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (IsCounter(instrument) && include(instrument))
            {
                _counters[instrument] = factory.CreateCounter(NameOf(instrument), instrument.Description ?? instrument.Name);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _counters.TryRemove(instrument, out Counter? _);
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        _listener.Start();
        // Observable counters report their running total when asked: ask just before each scrape.
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public static bool IsCounter(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type &&
        (type.GetGenericTypeDefinition() == typeof(Counter<>) || type.GetGenericTypeDefinition() == typeof(ObservableCounter<>));

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value)
    {
        if (!_counters.TryGetValue(instrument, out var counter) || value < 0)
        {
            return;
        }

        if (instrument.IsObservable)
        {
            counter.IncTo(value); // a running total
        }
        else
        {
            counter.Inc(value); // an increment
        }
    }

    /// <summary>The MeterAdapter's naming (lower case, anything else than a letter or digit as '_'), plus _total.</summary>
    private static string NameOf(Instrument instrument)
    {
        var name = new StringBuilder();
        foreach (var c in $"{instrument.Meter.Name}_{instrument.Name}")
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return name.Append("_total").ToString();
    }
}
