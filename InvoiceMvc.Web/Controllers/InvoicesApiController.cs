using System.ComponentModel.DataAnnotations;
using FluentValidation;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Invoices;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// The read API for integrations and QA, described at /openapi/v1.json. Readable by anyone who may read
/// the dashboard (no sign-in, like the pages), and counted by the same per-client page rate limit.
/// Every bad input is a 400 problem details response naming the field.
/// </summary>
[ApiController]
[Route("api/invoices")]
public sealed class InvoicesApiController(InvoiceSearch search, InvoiceDocuments documents, IValidator<InvoiceFilterInput> validator, LifecycleClock calendar) : ControllerBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>
    /// A page of the invoices the filter selects, in its order (the explorer's parameters: q, seller, buyer,
    /// from, to, min, max, run, status, sort, dir). Pass nextCursor back as cursor for the next page; keyset paging,
    /// so a page never repeats or skips an invoice while new ones arrive.
    /// </summary>
    [HttpGet]
    [EndpointSummary("List invoices")]
    [EndpointDescription("A page of the invoices the filter selects, in its order; nextCursor is null after the last page.")]
    [ProducesResponseType<InvoicePageJson>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<InvoicePageJson>> List(
        [FromQuery] InvoiceFilterInput filter,
        [FromQuery(Name = "size"), Range(1, MaxPageSize, ErrorMessage = "size must be a whole number from 1 to 100.")] int? size,
        CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(filter, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblem(validation.ToModelState(ModelState));
        }

        var pageSize = size ?? DefaultPageSize;
        var page = await search.PageAsync(filter.ToFilter(), filter.CursorId, pageSize + 1, cancellationToken);
        if (page is null)
        {
            ModelState.AddModelError("cursor", "cursor names no invoice: use a nextCursor this API returned.");
            return ValidationProblem(ModelState);
        }

        return InvoicePageJson.From(page, pageSize, calendar.Today);
    }

    [HttpGet("{number}")]
    [EndpointSummary("Get one invoice")]
    [EndpointDescription("The invoice with this number, e.g. INV-0000042.")]
    [ProducesResponseType<InvoiceJson>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<ActionResult<InvoiceJson>> Get(string number, CancellationToken cancellationToken)
    {
        var invoice = await documents.FindAsync(number, cancellationToken);
        return invoice is null
            ? Problem(statusCode: StatusCodes.Status404NotFound, title: "No such invoice",
                detail: "No invoice has this number; numbers look like INV-0000042.")
            : InvoiceJson.From(invoice, calendar.Today);
    }
}
