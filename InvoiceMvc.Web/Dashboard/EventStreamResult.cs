using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Writes pre-encoded SSE frames as they come, one flush for the frames that come together. The same job as
/// TypedResults.ServerSentEvents, but over bytes rendered once and shared by every viewer (the BCL
/// result would format each item again per viewer) and with comment frames for the heartbeat.
/// The action only opens the stream: it is written by <see cref="WriteAfterPipelineAsync"/>, a middleware
/// just inside the error handlers, once the rest of the pipeline (routing, authentication, the rate limiter,
/// MVC) has returned, so a stream that lasts for hours does not hold their state machines, leases, filters,
/// controller and model state for its life (MVC's alone were 1.7 KB of each viewer's heap, docs/benchmarks.md).
/// </summary>
public sealed class EventStreamResult(IAsyncEnumerable<ReadOnlyMemory<byte>> frames) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        var http = context.HttpContext;
        var response = http.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-store";
        // Reverse proxies (nginx) would otherwise buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Features.Set(this);
        return Task.CompletedTask;
    }

    /// <summary>The middleware that writes the stream an action returned, after the rest of the pipeline returned.</summary>
    public static async Task WriteAfterPipelineAsync(HttpContext http, RequestDelegate next)
    {
        await next(http);
        if (http.Features.Get<EventStreamResult>() is { } stream)
        {
            http.Features.Set<EventStreamResult>(null);
            await stream.WriteAsync(http);
        }
    }

    private async Task WriteAsync(HttpContext http)
    {
        var aborted = http.RequestAborted;
        try
        {
            // The frames a step of the stream yields at once (stats, a row, a status) go out in one send:
            // each is copied into the response's pipe, and the pipe is flushed only when the next frame
            // is not ready yet, so a viewer never waits for a frame that was already written.
            var body = http.Response.BodyWriter;
            await using var frame = frames.GetAsyncEnumerator(aborted);
            while (await NextAsync(frame, body, aborted))
            {
                body.Write(frame.Current.Span);
            }

            await body.FlushAsync(aborted);
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

    // The stream's next step, the frames written so far flushed while it is not ready. A flush that fails
    // (the viewer left) lets the step end before the failure leaves: disposing an async iterator mid-step
    // throws NotSupportedException, which would turn a viewer leaving into a logged 500. The viewer's
    // cancelled token ends the step at once. Pooled: every viewer suspends here on every wait, and with
    // 10,000 viewers a fresh state-machine box per wait was garbage at 20,000 boxes a second.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<ReadOnlyMemory<byte>> frame, PipeWriter body, CancellationToken aborted)
    {
        var step = frame.MoveNextAsync();
        var failure = step.IsCompleted ? null : await FlushAsync(body, aborted);
        bool more;
        try
        {
            more = await step;
        }
        catch (OperationCanceledException) when (failure is not null)
        {
            more = false; // The step ended with the viewer.
        }

        failure?.Throw();
        return more;
    }

    private static async ValueTask<ExceptionDispatchInfo?> FlushAsync(PipeWriter body, CancellationToken aborted)
    {
        try
        {
            await body.FlushAsync(aborted);
            return null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return ExceptionDispatchInfo.Capture(ex);
        }
    }
}
