using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>Event names and pre-encoded frames of the dashboard stream.</summary>
public static class SseFrames
{
    public const string Invoice = "invoice";
    public const string Stats = "stats";
    public const string Status = "status";

    /// <summary>The explorer's count and sums of the filtered set, after each matching row.</summary>
    public const string Summary = "summary";

    /// <summary>An invoice already shown changed (a payment, a void): its row again, as an out-of-band swap by element id.</summary>
    public const string Changed = "changed";

    /// <summary>The shortest and longest reconnection delay a stream asks its browser for.</summary>
    public static readonly TimeSpan MinRetry = TimeSpan.FromSeconds(1), MaxRetry = TimeSpan.FromSeconds(3);

    // 1.00, 1.25 ... 3.00 s, pre-encoded.
    private static readonly ReadOnlyMemory<byte>[] Retries = Enumerable.Range(0, 9)
        .Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {MinRetry.TotalMilliseconds + (i * 250)}\n\n")))
        .ToArray();

    /// <summary>
    /// The first frame of every stream: how long the browser waits before reconnecting once the stream
    /// drops (browsers default to ~3 s). Each stream draws its own between <see cref="MinRetry"/> and
    /// <see cref="MaxRetry"/>, so when an instance restarts its viewers come back spread over two
    /// seconds rather than all in the same millisecond (EventSource itself adds no jitter).
    /// </summary>
    public static ReadOnlyMemory<byte> Retry() => Retries[Random.Shared.Next(Retries.Length)];

    /// <summary>A comment: ignored by EventSource, but keeps proxies and load balancers from closing a quiet stream.</summary>
    public static readonly ReadOnlyMemory<byte> Heartbeat = ": keep-alive\n\n"u8.ToArray();

    /// <summary>
    /// One event as bytes, formatted by the BCL's SseFormatter (it splits multi-line data correctly).
    /// Only invoice events carry an id: the browser's Last-Event-ID then always names the last row it has.
    /// </summary>
    public static async Task<byte[]> EncodeAsync(string eventType, string data, long? id = null)
    {
        var item = new SseItem<string>(data, eventType)
        {
            EventId = id?.ToString(CultureInfo.InvariantCulture),
        };
        using var buffer = new MemoryStream(data.Length + 64);
        await SseFormatter.WriteAsync(One(item), buffer);
        return buffer.ToArray();
    }

    private static async IAsyncEnumerable<SseItem<string>> One(SseItem<string> item)
    {
        await Task.CompletedTask;
        yield return item;
    }
}
