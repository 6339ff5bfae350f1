using System.Collections.Concurrent;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Web.Analytics;

/// <summary>
/// The analytics stream's frames, rendered once per input and shared: the chart, the data table and the
/// figures as three SSE events in one byte array. An input's frame is re-read and re-rendered at most
/// once a second (<see cref="MinInterval"/>) however many viewers watch it, so its cost follows the
/// number of distinct ranges open, not of viewers. <see cref="Frame.AsOf"/> says which invoice it counts up to.
/// </summary>
public sealed class AnalyticsFrames(AnalyticsReport report, PartialRenderer renderer, TimeProvider time)
{
    public const string ChartEvent = "analytics-chart";
    public const string TableEvent = "analytics-table";
    public const string FiguresEvent = "analytics-figures";
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    private const int MaxInputs = 256;

    public sealed record Frame(long AsOf, DateTimeOffset RenderedAt, ReadOnlyMemory<byte> Bytes);

    private readonly ConcurrentDictionary<string, Lazy<Task<Frame>>> _frames = new(StringComparer.Ordinal);

    /// <summary>The newest frame of this (valid) input as of <paramref name="newest"/> or, within a second of the last rendering, that one.</summary>
    public async Task<Frame> GetAsync(AnalyticsInput input, long newest)
    {
        var key = AnalyticsReport.StreamQuery(input, 0);
        while (true)
        {
            var entry = _frames.GetOrAdd(key, _ => new Lazy<Task<Frame>>(() => RenderAsync(input)));
            Frame frame;
            try
            {
                frame = await entry.Value;
            }
            catch (Exception)
            {
                // A failed read is not kept: the next viewer (or the next second) tries again.
                _frames.TryRemove(new KeyValuePair<string, Lazy<Task<Frame>>>(key, entry));
                throw;
            }

            if (frame.AsOf >= newest || time.GetUtcNow() - frame.RenderedAt < MinInterval)
            {
                return frame;
            }

            if (_frames.Count > MaxInputs)
            {
                _frames.Clear();
            }

            // Stale and old enough: replace it (one viewer wins; the others await the winner's rendering).
            _frames.TryUpdate(key, new Lazy<Task<Frame>>(() => RenderAsync(input)), entry);
        }
    }

    private async Task<Frame> RenderAsync(AnalyticsInput input)
    {
        var renderedAt = time.GetUtcNow();
        var result = await report.ResultAsync(input, CancellationToken.None);
        var figures = report.Format(result);
        var chart = await SseFrames.EncodeAsync(ChartEvent, await renderer.RenderAsync(AnalyticsPartials.Chart, figures));
        var table = await SseFrames.EncodeAsync(TableEvent, await renderer.RenderAsync(AnalyticsPartials.Table, figures));
        var rest = await SseFrames.EncodeAsync(FiguresEvent, await renderer.RenderAsync(AnalyticsPartials.Figures, figures));
        byte[] all = [.. chart, .. table, .. rest];
        return new Frame(result.AsOf, renderedAt, all);
    }
}
