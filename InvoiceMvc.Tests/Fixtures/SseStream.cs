using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Threading.Channels;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>One received server-sent event, with when it arrived (wall clock and monotonic).</summary>
public sealed record SseEvent(string Type, string Data, string? Id, DateTimeOffset ReceivedAt, long Timestamp)
{
    public long InvoiceId => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// A real HTTP client reading the dashboard stream with the BCL's SseParser, the way EventSource
/// would. Events are pumped into a channel so tests can wait for them with a deadline.
/// </summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly Task _pump;

    private SseStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        _response = response;
        _pump = PumpAsync(body);
    }

    public static async Task<SseStream> OpenAsync(Uri baseAddress, string pathAndQuery, string? lastEventId = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseStream(client, response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event of any type.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan timeout, string? what = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _events.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No event within {timeout.TotalSeconds:0.#} s{(what is null ? "" : " waiting for " + what)}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The stream ended");
        }
    }

    /// <summary>Reads events until one matches; returns it and everything read before it.</summary>
    public async Task<(SseEvent Match, List<SseEvent> Seen)> UntilAsync(Func<SseEvent, bool> match, TimeSpan timeout, string what)
    {
        var seen = new List<SseEvent>();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; saw {seen.Count} events, last: {seen.LastOrDefault()?.Type} {Trim(seen.LastOrDefault()?.Data)}");
            }

            var e = await NextAsync(left, what);
            if (match(e))
            {
                return (e, seen);
            }

            seen.Add(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        _client.Dispose();
        try
        {
            await _pump;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // closing mid-read
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(Stream body)
    {
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token))
            {
                await _events.Writer.WriteAsync(new SseEvent(item.EventType, item.Data, item.EventId, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp()));
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private static string? Trim(string? s) => s is null ? null : s.Length > 200 ? s[..200] + "..." : s;
}
