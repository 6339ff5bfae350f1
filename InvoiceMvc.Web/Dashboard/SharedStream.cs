using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Several tabs' streams over one connection. A browser opens at most six HTTP/1.1 connections to one
/// origin and every open tab holds a stream, so a seventh tab's page would wait behind them forever;
/// wwwroot/js/stream-worker.js (a SharedWorker) therefore holds ONE connection for all of a browser's
/// tabs and asks for each tab's stream inside it (decision 019). Each stream runs exactly as it would on
/// its own (its own cursor, pacing and filter); every frame is re-tagged with the tab's position as one
/// "frame" event whose first data line is "position type id" (id "-" when the frame has none), followed
/// by the frame's own data lines. Heartbeats pass as they are; each stream's retry hint is dropped (the
/// worker draws its own, with jitter). Nothing is kept between requests: the worker asks again, with
/// each tab's last event id, whenever its set of tabs changes or the connection drops, so any instance
/// behind a balancer can serve it.
/// </summary>
public static class SharedStream
{
    public const string FrameEvent = "frame";
    public const string RefusedType = "refused";

    /// <summary>Tabs one shared connection carries; the worker opens another connection for more.</summary>
    public const int MaxStreams = 32;

    private const string Address = "/events";

    /// <summary>Frames waiting for a slow connection; past this each stream waits, as it would on its own socket.</summary>
    private const int Capacity = 16;

    /// <summary>Is <paramref name="address"/> a tab's stream (/events or /events?…)? Its query if so.</summary>
    public static bool TryParseAddress(string? address, out IQueryCollection query)
    {
        query = QueryCollection.Empty;
        if (address is null || !address.StartsWith(Address, StringComparison.Ordinal) || (address.Length > Address.Length && address[Address.Length] != '?'))
        {
            return false;
        }

        query = new QueryCollection(QueryHelpers.ParseQuery(address[Address.Length..]));
        return true;
    }

    /// <summary>
    /// Every opened stream's frames as they come, tagged with its position; a refused one's error event
    /// first. Ends when any stream ends (the worker then asks again for all of them), as one stream's
    /// response would.
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> Merge(IReadOnlyList<StreamOpening> openings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(Capacity) { SingleReader = true });
        var pumps = new List<Task>(openings.Count);
        for (var i = 0; i < openings.Count; i++)
        {
            var position = i;
            var refusal = openings[i].Match(
                opened =>
                {
                    pumps.Add(PumpAsync(position, opened.Frames, channel.Writer, stop.Token));
                    return (ReadOnlyMemory<byte>?)null;
                },
                refused => Frame(position, RefusedType, "-", refused.Detail));
            if (refusal is { } frame)
            {
                yield return frame;
            }
        }

        if (pumps.Count == 0)
        {
            yield break;
        }

        try
        {
            await foreach (var frame in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return frame;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(pumps);
        }
    }

    /// <summary>
    /// One stream's frame as the shared stream carries it, every event in it re-tagged (a frame may hold
    /// several: the analytics page's three regions go out together); null for a frame that carries
    /// nothing for the tab (a retry hint).
    /// </summary>
    public static ReadOnlyMemory<byte>? Tag(int position, ReadOnlyMemory<byte> frame)
    {
        var text = Encoding.UTF8.GetString(frame.Span);
        if (text.StartsWith(':'))
        {
            return frame;
        }

        var tagged = new StringBuilder(text.Length + 64);
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string type = "message", id = "-";
            StringBuilder? data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    (data ??= new StringBuilder(block.Length)).Append('\n').Append(line.AsSpan(line.StartsWith("data: ", StringComparison.Ordinal) ? 6 : 5));
                }
            }

            if (data is not null)
            {
                Append(tagged, position, type, id, data.ToString()[1..]);
            }
        }

        return tagged.Length == 0 ? (ReadOnlyMemory<byte>?)null : Encoding.UTF8.GetBytes(tagged.ToString());
    }

    private static ReadOnlyMemory<byte> Frame(int position, string type, string id, string data) =>
        Encoding.UTF8.GetBytes(Append(new StringBuilder(data.Length + 48), position, type, id, data).ToString());

    private static StringBuilder Append(StringBuilder builder, int position, string type, string id, string data)
    {
        builder.Append("event: ").Append(FrameEvent).Append("\ndata: ")
            .Append(position.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(type).Append(' ').Append(id);
        foreach (var line in data.Split('\n'))
        {
            builder.Append("\ndata: ").Append(line);
        }

        return builder.Append("\n\n");
    }

    // One stream into the channel. Its end (or failure) ends the shared stream; being stopped does not.
    private static async Task PumpAsync(int position, IAsyncEnumerable<ReadOnlyMemory<byte>> frames, ChannelWriter<ReadOnlyMemory<byte>> writer, CancellationToken stop)
    {
        try
        {
            await foreach (var frame in frames.WithCancellation(stop))
            {
                if (Tag(position, frame) is { } tagged)
                {
                    await writer.WriteAsync(tagged, stop);
                }
            }

            writer.TryComplete();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The connection closed, or another stream ended it.
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }
}
