using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Caps the streams open at once: past <see cref="RateLimitOptions.StreamsPerClient"/> from one client
/// address the next one gets 429, and past <see cref="RateLimitOptions.StreamsPerInstance"/> on this
/// instance from all clients it gets 503 with a Retry-After drawn between
/// <see cref="RateLimitOptions.StreamRetryAfterSeconds"/> and twice that (so a reconnect storm after a
/// restart comes back spread out, not all at once), before it costs a query or a byte of memory. A
/// stream counts until its response has been written to the end: the stream is written once the rest of
/// the pipeline has returned (<see cref="Dashboard.EventStreamResult"/>), so this count, not a rate
/// limiter's lease, is what holds its place. Per instance: each instance protects its own memory and sockets.
/// </summary>
public sealed class StreamAdmission(IOptions<RateLimitOptions> options) : IResourceFilter
{
    // Open streams per client address (guarded by itself); an address leaves it with its last stream.
    private readonly Dictionary<string, int> _perClient = [];
    private long _open;

    /// <summary>Streams (connections) this instance serves now.</summary>
    public long Open => Interlocked.Read(ref _open);

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var limits = options.Value;
        var client = SecurityServices.ClientOf(context.HttpContext);
        if (!TryTake(client, limits.StreamsPerClient))
        {
            context.Result = Refused(context, StatusCodes.Status429TooManyRequests, limits.StreamRetryAfterSeconds,
                $"This address has its most streams ({limits.StreamsPerClient}) open; close a tab or try again in {limits.StreamRetryAfterSeconds} s.");
            return;
        }

        if (Interlocked.Increment(ref _open) > limits.StreamsPerInstance)
        {
            Interlocked.Decrement(ref _open);
            GiveBack(client);
            var retryAfter = limits.StreamRetryAfterSeconds + Random.Shared.Next(limits.StreamRetryAfterSeconds + 1);
            context.Result = Refused(context, StatusCodes.Status503ServiceUnavailable, retryAfter,
                $"This instance serves its most streams ({limits.StreamsPerInstance}) now; try again in {retryAfter} s.");
            return;
        }

        context.HttpContext.Response.RegisterForDispose(new Slot(this, client));
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }

    private static ObjectResult Refused(ResourceExecutingContext context, int status, int retryAfterSeconds, string detail)
    {
        context.HttpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return new ObjectResult(new ProblemDetails { Status = status, Title = "Too many streams", Detail = detail }) { StatusCode = status };
    }

    private bool TryTake(string client, int limit)
    {
        lock (_perClient)
        {
            _perClient.TryGetValue(client, out var open);
            if (open >= limit)
            {
                return false;
            }

            _perClient[client] = open + 1;
            return true;
        }
    }

    private void GiveBack(string client)
    {
        lock (_perClient)
        {
            var open = _perClient[client] - 1;
            if (open == 0)
            {
                _perClient.Remove(client);
            }
            else
            {
                _perClient[client] = open;
            }
        }
    }

    /// <summary>One admitted stream, given back when its response ends (disposed with the request).</summary>
    private sealed class Slot(StreamAdmission admission, string client) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Decrement(ref admission._open);
            admission.GiveBack(client);
        }
    }
}
