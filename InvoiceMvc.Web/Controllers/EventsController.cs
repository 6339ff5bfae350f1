using System.Globalization;
using FluentValidation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Web.Analytics;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// The one SSE stream per tab: the dashboard's (invoice rows paced, stats and status), or the
/// explorer's when the query carries its filter or order (only the matching rows, and the count and
/// sums after each), or the analytics page's when it carries analytics=1 (its chart and figures, at most 1/s),
/// or an invoice's detail page's when it carries invoice=INV-… (that invoice's standing after each change).
/// </summary>
public sealed class EventsController(
    Cursors cursors,
    DashboardStream stream,
    IValidator<InvoiceFilterInput> validator,
    AnalyticsStream analyticsStream,
    IValidator<AnalyticsInput> analyticsValidator,
    InvoiceDetailStream detailStream) : Controller
{
    /// <param name="after">The last invoice id the page has; the browser's Last-Event-ID header wins over it.</param>
    /// <param name="lastEventId">Sent by the browser when it re-opens a dropped stream by itself.</param>
    [HttpGet("/events")]
    [EnableRateLimiting(RateLimitPolicies.Streams)]
    public async Task<IActionResult> Get([FromQuery] InvoiceFilterInput filter, [FromQuery] string? after, [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        [FromQuery] string? analytics, [FromQuery] AnalyticsInput analyticsInput, [FromQuery] string? invoice, CancellationToken cancellationToken)
    {
        if (invoice is not null)
        {
            return InvoiceNumber.TryParse(invoice, out var invoiceId)
                ? new EventStreamResult(detailStream.RunAsync(invoiceId, cancellationToken))
                : Problem(detail: "invoice must be an invoice number such as INV-0000042.", statusCode: StatusCodes.Status400BadRequest, title: "Bad invoice");
        }

        if (analytics is not null)
        {
            return await AnalyticsAsync(analytics, analyticsInput, after, cancellationToken);
        }

        var filtered = filter.HasConditions || InvoiceFilterInput.Blank(filter.Sort) is not null || InvoiceFilterInput.Blank(filter.Dir) is not null;
        if (filtered && await validator.ValidateAsync(filter, cancellationToken) is { IsValid: false } invalid)
        {
            return ValidationProblem(new ValidationProblemDetails(invalid.ToDictionary()) { Status = StatusCodes.Status400BadRequest });
        }

        var typed = filtered ? filter.ToFilter() : null;
        if (typed is { IsNewestFirst: false })
        {
            // New invoices belong at the top only in a newest-first order: other orders have no live rows.
            return Problem(detail: "The live stream serves only newest-first orders: sort=number or sort=date with dir=desc.",
                statusCode: StatusCodes.Status400BadRequest, title: "Not a live order");
        }

        var start = await cursors.StreamStartAsync(lastEventId, after, cancellationToken);
        if (!start.IsValid)
        {
            return Problem(detail: start.Error, statusCode: StatusCodes.Status400BadRequest, title: "Bad cursor");
        }

        return new EventStreamResult(stream.RunAsync(start.Value, typed, cancellationToken));
    }

    // The analytics page's from/to are its own (whole days, no other filter): checked by its validator only.
    private async Task<IActionResult> AnalyticsAsync(string analytics, AnalyticsInput input, string? after, CancellationToken cancellationToken)
    {
        if (analytics != "1")
        {
            return Problem(detail: "analytics must be 1.", statusCode: StatusCodes.Status400BadRequest, title: "Bad stream");
        }

        if (await analyticsValidator.ValidateAsync(input, cancellationToken) is { IsValid: false } invalid)
        {
            return ValidationProblem(new ValidationProblemDetails(invalid.ToDictionary()) { Status = StatusCodes.Status400BadRequest });
        }

        long asOf = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out asOf))
        {
            return Problem(detail: "after must be the id of the newest invoice the page counts: a whole number from 0 up.",
                statusCode: StatusCodes.Status400BadRequest, title: "Bad cursor");
        }

        return new EventStreamResult(analyticsStream.RunAsync(input, asOf, cancellationToken));
    }
}
