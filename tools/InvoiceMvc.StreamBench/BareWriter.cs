using System.Text;

namespace InvoiceMvc.StreamBench;

/// <summary>
/// What an SSE fan-out costs at the least: Kestrel, one pre-rendered ~150-byte invoice frame written
/// and flushed every 500 ms per connection, nothing else. The product is measured beside it in the same run.
/// </summary>
public static class BareWriter
{
    private static readonly byte[] Retry = "retry: 1000\n\n"u8.ToArray();

    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        app.MapGet("/events", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var ct = context.RequestAborted;
            await context.Response.Body.WriteAsync(Retry, ct);
            await context.Response.Body.FlushAsync(ct);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
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
        });
        await app.RunAsync();
        return 0;
    }

    private static byte[] Frame(long id) => Encoding.ASCII.GetBytes(
        $"event: invoice\nid: {id}\ndata: <tr id=\"invoice-{id}\"><td>INV-{id:0000000}</td><td>Seller 07 Trading</td><td>Buyer 0042</td><td>1,234.56</td></tr>\n\n");
}
