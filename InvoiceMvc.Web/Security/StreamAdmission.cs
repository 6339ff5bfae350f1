using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Sheds streams past <see cref="RateLimitOptions.StreamsPerInstance"/> on this instance: the next one
/// gets 503 with a Retry-After drawn between <see cref="RateLimitOptions.StreamRetryAfterSeconds"/> and
/// twice that (so a reconnect storm after a restart comes back spread out, not all at once), before it
/// costs a query or a byte of memory. A stream counts until its response has been written to the end
/// (the stream is written after MVC returns, <see cref="Dashboard.EventStreamResult"/>). Per instance: each instance protects its own memory and sockets.
/// </summary>
public sealed class StreamAdmission(IOptions<RateLimitOptions> options) : IResourceFilter
{
    private long _open;

    /// <summary>Streams (connections) this instance serves now.</summary>
    public long Open => Interlocked.Read(ref _open);

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var limits = options.Value;
        if (Interlocked.Increment(ref _open) > limits.StreamsPerInstance)
        {
            Interlocked.Decrement(ref _open);
            var retryAfter = limits.StreamRetryAfterSeconds + Random.Shared.Next(limits.StreamRetryAfterSeconds + 1);
            context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            context.Result = new ObjectResult(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Too many streams",
                Detail = $"This instance serves its most streams ({limits.StreamsPerInstance}) now; try again in {retryAfter} s.",
            })
            { StatusCode = StatusCodes.Status503ServiceUnavailable };
            return;
        }

        context.HttpContext.Response.RegisterForDispose(new Slot(this));
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }

    /// <summary>One admitted stream, given back when its response ends (disposed with the request).</summary>
    private sealed class Slot(StreamAdmission admission) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref admission._open);
    }
}
