using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Sheds streams past <see cref="RateLimitOptions.StreamsPerInstance"/> on this instance: the next one
/// gets 503 with a Retry-After drawn between <see cref="RateLimitOptions.StreamRetryAfterSeconds"/> and
/// twice that (so a reconnect storm after a restart comes back spread out, not all at once), before it
/// costs a query or a byte of memory. A resource filter, so a stream counts until its response has
/// been written to the end. Per instance: each instance protects its own memory and sockets.
/// </summary>
public sealed class StreamAdmission(IOptions<RateLimitOptions> options) : IAsyncResourceFilter
{
    private long _open;

    /// <summary>Streams (connections) this instance serves now.</summary>
    public long Open => Interlocked.Read(ref _open);

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
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

        try
        {
            await next();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }
}
