using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceMvc.Web.Controllers;

/// <summary>The dashboard's one SSE stream per tab: invoice rows (paced), stats and status.</summary>
public sealed class EventsController(Cursors cursors, DashboardStream stream) : Controller
{
    /// <param name="after">The last invoice id the page has; the browser's Last-Event-ID header wins over it.</param>
    /// <param name="lastEventId">Sent by the browser when it re-opens a dropped stream by itself.</param>
    [HttpGet("/events")]
    [EnableRateLimiting(RateLimitPolicies.Streams)]
    public async Task<IActionResult> Get([FromQuery] string? after, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, CancellationToken cancellationToken)
    {
        var start = await cursors.StreamStartAsync(lastEventId, after, cancellationToken);
        if (!start.IsValid)
        {
            return Problem(detail: start.Error, statusCode: StatusCodes.Status400BadRequest, title: "Bad cursor");
        }

        return new EventStreamResult(stream.RunAsync(start.Value, cancellationToken));
    }
}
