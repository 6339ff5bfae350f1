using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>One frame the simulated stream sent, at its time after <see cref="StreamSimulation.T0"/>.</summary>
internal sealed record SimulatedFrame(TimeSpan At, string Kind, string Detail);

/// <summary>
/// DashboardStream's loop without its I/O, on a FakeTimeProvider: it steps a <see cref="ViewerState"/>
/// the way the loop does (at each wake time, and at once when the hub publishes) and records every
/// frame with the fake time it went out at, so tests can assert whole schedules to the tick.
/// </summary>
internal sealed class StreamSimulation
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DashboardFormatter Formatter = new(Options.Create(new DisplayOptions()), new LifecycleClock(TimeProvider.System, Options.Create(new ClockOptions())));

    private readonly ViewerState _viewer;

    /// <param name="nextRow">What the row cache returns for a cursor (default: the next invoice; null = the database has none yet).</param>
    /// <param name="matches">A filtered stream's match (null = every row).</param>
    public StreamSimulation(LiveState state, long cursor, int ratePerSecond = 2, Func<long, long?>? nextRow = null, Func<long, bool>? matches = null)
    {
        State = state;
        Matches = matches;
        NextRow = nextRow ?? (c => c + 1);
        _viewer = new ViewerState(cursor, ratePerSecond, (run, waiting) =>
        {
            StatusesFormatted++;
            return Formatter.Status(run, waiting);
        }, Clock.GetUtcNow());
        Step();
    }

    public FakeTimeProvider Clock { get; } = new(T0);

    /// <summary>How many times the viewer asked for its status to be formatted.</summary>
    public int StatusesFormatted { get; private set; }

    public LiveState State { get; private set; }

    public Func<long, long?> NextRow { get; set; }

    /// <summary>A filtered stream's match (null = the dashboard: every row); rows it refuses are skipped as DashboardStream skips them.</summary>
    public Func<long, bool>? Matches { get; set; }

    /// <summary>The rows skipped so far, in order.</summary>
    public List<long> Skipped { get; } = [];

    public List<SimulatedFrame> Frames { get; } = [];

    /// <summary>When the loop would wake next if the hub stays quiet.</summary>
    public DateTimeOffset WakeAt { get; private set; }

    public TimeSpan Now => Clock.GetUtcNow() - T0;

    public IEnumerable<SimulatedFrame> OfKind(string kind) => Frames.Where(f => f.Kind == kind);

    public IEnumerable<(TimeSpan At, long Id)> Rows => OfKind("row").Select(f => (f.At, long.Parse(f.Detail, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Lets time pass up to <paramref name="until"/>, the loop waking whenever it asked to.</summary>
    public void RunUntil(TimeSpan until)
    {
        while (WakeAt <= T0 + until)
        {
            if (WakeAt > Clock.GetUtcNow())
            {
                Clock.SetUtcNow(WakeAt);
            }

            Step();
        }

        if (Clock.GetUtcNow() < T0 + until)
        {
            Clock.SetUtcNow(T0 + until);
        }
    }

    /// <summary>The hub publishes <paramref name="state"/> now: the wait ends at once.</summary>
    public void Publish(LiveState state)
    {
        State = state;
        Step();
    }

    /// <summary>The loop wakes late, at <paramref name="at"/> instead of its wake time (a busy machine).</summary>
    public void WakeLate(TimeSpan at)
    {
        Assert.True(T0 + at > WakeAt, "a late wake comes after the wake time");
        Clock.SetUtcNow(T0 + at);
        Step();
    }

    public static LiveState Live(long lastInvoiceId, RunSnapshot? run = null, DateTimeOffset? committedAt = null) =>
        new(new InvoiceStats(lastInvoiceId, lastInvoiceId * 10m, lastInvoiceId * 1.5m, lastInvoiceId), run, committedAt ?? T0);

    public static RunSnapshot Run(RunStatus status, int produced, int target = 10) =>
        new(1, status, produced, target, 5, T0, status == RunStatus.Running ? null : T0);

    private void Step()
    {
        // As DashboardStream.RunAsync: step again at once while the wake time has come.
        for (var passes = 0; ; passes++)
        {
            Assert.True(passes < 1000, "the viewer never waits");
            var start = _viewer.Begin(State, Clock.GetUtcNow());
            if (start.SendStats)
            {
                Frames.Add(new(Now, "stats", $"{State.Stats.LastInvoiceId}{(start.MeasureStatsLatency ? " measured" : "")}"));
            }

            var row = start.FetchRow ? NextRow(_viewer.Cursor) : null;
            for (var skips = 0; Matches is not null && row is { } r && !Matches(r); skips++)
            {
                _viewer.Skip(r);
                Skipped.Add(r);
                row = skips < DashboardStream.MaxSkipsPerStep ? NextRow(_viewer.Cursor) : null;
            }

            var end = _viewer.End(Clock.GetUtcNow(), row);
            if (end.SendRow)
            {
                Frames.Add(new(Now, "row", $"{row}"));
            }

            if (end.Status is { } status)
            {
                Frames.Add(new(Now, "status", status.Detail is null || status.State == DashboardState.ProcessingBacklog ? status.Headline : $"{status.Headline}: {status.Detail}"));
            }

            if (end.Heartbeat)
            {
                Frames.Add(new(Now, "heartbeat", ""));
            }

            WakeAt = end.WakeAt;
            if (WakeAt > Clock.GetUtcNow())
            {
                return;
            }
        }
    }
}
