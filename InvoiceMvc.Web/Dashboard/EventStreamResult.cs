using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Writes pre-encoded SSE frames as they come, flushing each. The same job as
/// TypedResults.ServerSentEvents, but over bytes rendered once and shared by every viewer (the BCL
/// result would format each item again per viewer) and with comment frames for the heartbeat.
/// </summary>
public sealed class EventStreamResult(IAsyncEnumerable<ReadOnlyMemory<byte>> frames) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        // Reverse proxies (nginx) would otherwise buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var aborted = http.RequestAborted;
        try
        {
            await foreach (var frame in frames.WithCancellation(aborted))
            {
                await response.Body.WriteAsync(frame, aborted);
                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The viewer left.
        }
        catch (IOException) when (aborted.IsCancellationRequested)
        {
            // The viewer left mid-write.
        }
    }
}
