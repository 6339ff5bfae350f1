using System.Buffers;
using System.Text;

namespace InvoiceMvc.StreamBench;

/// <summary>
/// What an SSE fan-out costs at the least: Kestrel and pre-rendered frames, nothing else. The product is
/// measured beside it in the same run.
/// <list type="bullet">
/// <item><c>/events</c>: one ~150-byte invoice frame written and flushed every 500 ms per connection (the backlog's shape).</item>
/// <item><c>/live</c>: the live run's shape. Besides the rows, a stats frame of four cards (the product's size) is
/// published 5 times a second, each carrying the time it was published, and every connection sends it as soon as it
/// wakes: the least a server must do to put each commit's stats on every open stream.</item>
/// </list>
/// </summary>
public static class BareWriter
{
    private static readonly byte[] Retry = "retry: 1000\n\n"u8.ToArray();
    private static readonly TimeSpan RowInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StatsInterval = TimeSpan.FromMilliseconds(200);

    private static TaskCompletionSource _published = NewSignal();
    private static byte[] _stats = [];
    private static long _version;

    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        app.MapGet("/events", RowsAsync);
        app.MapGet("/live", LiveAsync);
        _ = PublishAsync(app.Lifetime.ApplicationStopping);
        await app.RunAsync();
        return 0;
    }

    private static async Task RowsAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        await OpenAsync(context.Response, ct);
        using var timer = new PeriodicTimer(RowInterval);
        long id = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await context.Response.Body.WriteAsync(Frame(++id), ct);
                await context.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The viewer left.
        }
    }

    private static async Task LiveAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        await OpenAsync(response, ct);
        long id = 0, seen = Volatile.Read(ref _version);
        var nextRow = DateTime.UtcNow + RowInterval;
        while (!ct.IsCancellationRequested)
        {
            // The signal first: a publish after this read completes it, so the wait below cannot miss it.
            var published = Volatile.Read(ref _published).Task;
            if (Volatile.Read(ref _version) != seen)
            {
                seen = Volatile.Read(ref _version);
                response.BodyWriter.Write(Volatile.Read(ref _stats));
            }

            var now = DateTime.UtcNow;
            if (now >= nextRow)
            {
                response.BodyWriter.Write(Frame(++id));
                nextRow += RowInterval;
            }

            try
            {
                await response.BodyWriter.FlushAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return; // The viewer left.
            }

            var wait = nextRow - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                // Woken by the next publish or the next row, whichever comes first; a timeout is not an error here.
                await published.WaitAsync(wait, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static async Task PublishAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(StatsInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var version = _version + 1;
                Volatile.Write(ref _stats, Stats(version, DateTime.UtcNow.Ticks));
                Volatile.Write(ref _version, version);
                Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();
            }
        }
        catch (OperationCanceledException)
        {
            // The writer stops.
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task OpenAsync(HttpResponse response, CancellationToken ct)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.BodyWriter.Write(Retry);
        await response.BodyWriter.FlushAsync(ct);
    }

    private static byte[] Frame(long id) => Encoding.ASCII.GetBytes(
        $"event: invoice\nid: {id}\ndata: <tr id=\"invoice-{id}\"><td>INV-{id:0000000}</td><td>Seller 07 Trading</td><td>Buyer 0042</td><td>1,234.56</td></tr>\n\n");

    internal static byte[] Stats(long version, long publishedTicks)
    {
        var cards = string.Concat(new[] { "Invoices", "Subtotal", "VAT (15%)", "Total" }.Select(label =>
            $"<div class=\"card\" role=\"group\" aria-label=\"{label}\"><span class=\"card-label\">{label}</span><span class=\"card-value\" data-value=\"{version * 1234.56m}\">{version * 1234.56m:N2}</span></div>"));
        return Encoding.ASCII.GetBytes(
            $"event: stats\ndata: <div class=\"cards\" data-last-invoice-id=\"{version}\" data-published-at=\"{publishedTicks}\">{cards}</div>\n\n");
    }
}
