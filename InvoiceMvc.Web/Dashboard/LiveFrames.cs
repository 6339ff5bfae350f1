using System.Collections.Concurrent;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Web.Models;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Stats and status frames, rendered once and shared: the stats frame once per change of the totals
/// (every viewer gets the same bytes), a status frame once per distinct <see cref="StatusView"/>
/// (viewers in the same state, or with the same number waiting, share it), and the views themselves
/// made once per run and backlog, so a viewer's status costs no allocation of its own.
/// </summary>
public sealed class LiveFrames(PartialRenderer renderer, DashboardFormatter formatter)
{
    public const string StatCardsPartial = "~/Views/Shared/_StatCards.cshtml";
    public const string StatusPartial = "~/Views/Shared/_Status.cshtml";
    private const int MaxStatusFrames = 2048;

    private readonly Lock _gate = new();
    private (long LastInvoiceId, Task<byte[]> Frame)? _stats;
    private readonly ConcurrentDictionary<StatusView, Lazy<Task<byte[]>>> _status = new();
    private readonly ConcurrentDictionary<(RunSnapshot? Run, long Waiting), StatusView> _statusViews = new();

    public Task<byte[]> StatsAsync(InvoiceStats stats)
    {
        lock (_gate)
        {
            // Totals only ever move forward with the gapless invoice id, so it identifies them.
            if (_stats is { } s && s.LastInvoiceId == stats.LastInvoiceId)
            {
                return s.Frame;
            }

            var frame = RenderAsync(SseFrames.Stats, StatCardsPartial, formatter.Cards(stats));
            _stats = (stats.LastInvoiceId, frame);
            return frame;
        }
    }

    /// <summary>
    /// <see cref="DashboardFormatter.Status"/>, shared: every viewer of a running run sees the same view, and viewers
    /// with the same number waiting share theirs (at 10,000 viewers, each formatting its own was 10,000 views a second).
    /// </summary>
    public StatusView Status(RunSnapshot? run, long waiting)
    {
        var key = (run, DashboardFormatter.StateOf(run, waiting) == DashboardState.Running ? 0 : waiting);
        if (_statusViews.TryGetValue(key, out var view))
        {
            return view;
        }

        if (_statusViews.Count > MaxStatusFrames)
        {
            _statusViews.Clear();
        }

        return _statusViews.GetOrAdd(key, formatter.Status(run, waiting));
    }

    public Task<byte[]> StatusAsync(StatusView status)
    {
        if (_status.TryGetValue(status, out var frame))
        {
            return frame.Value;
        }

        if (_status.Count > MaxStatusFrames)
        {
            // Distinct states are few (states x produced counts x waiting counts); starting over is cheap.
            _status.Clear();
        }

        return _status.GetOrAdd(status, static (s, self) => new Lazy<Task<byte[]>>(() => self.RenderAsync(SseFrames.Status, StatusPartial, s)), this).Value;
    }

    private async Task<byte[]> RenderAsync<TModel>(string eventType, string partial, TModel model) =>
        await SseFrames.EncodeAsync(eventType, await renderer.RenderAsync(partial, model));
}
