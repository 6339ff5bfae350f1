using System.Globalization;
using FluentValidation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Web.Analytics;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// The one SSE stream per tab: the dashboard's (invoice rows paced, stats and status), or the
/// explorer's when the query carries its filter or order (only the matching rows, and the count and
/// sums after each), or the analytics page's when it carries analytics=1 (its chart and figures, at most 1/s),
/// or an invoice's detail page's when it carries invoice=INV-… (that invoice's standing after each change).
/// A browser's tabs take theirs over one connection, /events/shared (<see cref="SharedStream"/>).
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
    [ServiceFilter<StreamAdmission>]
    public async Task<IActionResult> Get([FromQuery] InvoiceFilterInput filter, [FromQuery] string? after, [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        [FromQuery] string? analytics, [FromQuery] AnalyticsInput analyticsInput, [FromQuery] string? invoice, CancellationToken cancellationToken) =>
        (await OpenAsync(filter, after, lastEventId, analytics, analyticsInput, invoice, cancellationToken)).Match<IActionResult>(
            opened => new EventStreamResult(opened.Frames),
            refused => refused.Errors is { } errors
                ? ValidationProblem(new ValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest })
                : Problem(detail: refused.Detail, statusCode: StatusCodes.Status400BadRequest, title: refused.Title));

    /// <summary>
    /// Several tabs' streams over one connection (see <see cref="SharedStream"/>): each <paramref name="s"/>
    /// is a tab's own stream address (/events?…), each <paramref name="l"/> at the same position the last
    /// event id that tab has (its Last-Event-ID), blank for none. A stream refused on its own is refused
    /// inside the shared one (an error event for that tab alone); only a malformed request is a 400.
    /// </summary>
    [HttpGet("/events/shared")]
    [ServiceFilter<StreamAdmission>]
    public async Task<IActionResult> Shared([FromQuery] string[] s, [FromQuery] string[] l, CancellationToken cancellationToken)
    {
        if (s.Length is 0 or > SharedStream.MaxStreams || l.Length != s.Length)
        {
            return Problem(detail: $"Give 1 to {SharedStream.MaxStreams} streams as s=/events?…, each with its last event id as l (blank for none).",
                statusCode: StatusCodes.Status400BadRequest, title: "Bad shared stream");
        }

        var openings = new StreamOpening[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            if (!SharedStream.TryParseAddress(s[i], out var query))
            {
                return Problem(detail: $"s[{i}] must be an address of this stream: /events?….", statusCode: StatusCodes.Status400BadRequest, title: "Bad shared stream");
            }

            var values = new QueryStringValueProvider(BindingSource.Query, query, CultureInfo.InvariantCulture);
            var filter = new InvoiceFilterInput();
            var analyticsInput = new AnalyticsInput();
            await TryUpdateModelAsync(filter, string.Empty, values);
            await TryUpdateModelAsync(analyticsInput, string.Empty, values);
            openings[i] = await OpenAsync(filter, First(query, "after"), InvoiceFilterInput.Blank(l[i]), First(query, "analytics"), analyticsInput,
                First(query, "invoice"), cancellationToken);
        }

        return new EventStreamResult(SharedStream.Merge(openings, cancellationToken));
    }

    private static string? First(IQueryCollection query, string key) => query.TryGetValue(key, out var v) ? v.ToString() : null;

    private async Task<StreamOpening> OpenAsync(InvoiceFilterInput filter, string? after, string? lastEventId, string? analytics, AnalyticsInput analyticsInput,
        string? invoice, CancellationToken cancellationToken)
    {
        if (invoice is not null)
        {
            return InvoiceNumber.TryParse(invoice, out var invoiceId)
                ? new StreamOpening.Opened(detailStream.RunAsync(invoiceId, cancellationToken))
                : new StreamOpening.Refused("Bad invoice", "invoice must be an invoice number such as INV-0000042.");
        }

        if (analytics is not null)
        {
            return await AnalyticsAsync(analytics, analyticsInput, after, cancellationToken);
        }

        var filtered = filter.HasConditions || InvoiceFilterInput.Blank(filter.Sort) is not null || InvoiceFilterInput.Blank(filter.Dir) is not null;
        if (filtered && await validator.ValidateAsync(filter, cancellationToken) is { IsValid: false } invalid)
        {
            return StreamOpening.Refused.Invalid(invalid.ToDictionary());
        }

        var typed = filtered ? filter.ToFilter() : null;
        if (typed is { IsNewestFirst: false })
        {
            // New invoices belong at the top only in a newest-first order: other orders have no live rows.
            return new StreamOpening.Refused("Not a live order", "The live stream serves only newest-first orders: sort=number or sort=date with dir=desc.");
        }

        var start = await cursors.StreamStartAsync(lastEventId, after, cancellationToken);
        return start.IsValid
            ? new StreamOpening.Opened(stream.RunAsync(start.Value, typed, cancellationToken))
            : new StreamOpening.Refused("Bad cursor", start.Error!);
    }

    // The analytics page's from/to are its own (whole days, no other filter): checked by its validator only.
    private async Task<StreamOpening> AnalyticsAsync(string analytics, AnalyticsInput input, string? after, CancellationToken cancellationToken)
    {
        if (analytics != "1")
        {
            return new StreamOpening.Refused("Bad stream", "analytics must be 1.");
        }

        if (await analyticsValidator.ValidateAsync(input, cancellationToken) is { IsValid: false } invalid)
        {
            return StreamOpening.Refused.Invalid(invalid.ToDictionary());
        }

        long asOf = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out asOf))
        {
            return new StreamOpening.Refused("Bad cursor", "after must be the id of the newest invoice the page counts: a whole number from 0 up.");
        }

        return new StreamOpening.Opened(analyticsStream.RunAsync(input, asOf, cancellationToken));
    }
}
