using System.Globalization;
using System.Net.ServerSentEvents;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>Event names and pre-encoded frames of the dashboard stream.</summary>
public static class SseFrames
{
    public const string Invoice = "invoice";
    public const string Stats = "stats";
    public const string Status = "status";

    /// <summary>The explorer's count and sums of the filtered set, after each matching row.</summary>
    public const string Summary = "summary";

    /// <summary>Browsers wait ~3 s before retrying a dropped stream by default; a second is enough here.</summary>
    public static readonly ReadOnlyMemory<byte> Retry = "retry: 1000\n\n"u8.ToArray();

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
