using Htmx;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// The invoice explorer (GET /invoices: the page, its htmx results region, its infinite-scroll pages,
/// its count and sums and pick lists) and the dashboard grid's infinite scroll, which is the same URL
/// with before/size (unchanged: those requests never carry a filter).
/// </summary>
public sealed class InvoicesController(InvoicePages pages, Cursors cursors, InvoiceExplorer explorer) : Controller
{
    [HttpGet("/invoices")]
    public async Task<IActionResult> Page([FromQuery] InvoiceFilterInput filter, [FromQuery] string? before, [FromQuery] string? size, CancellationToken cancellationToken)
    {
        if (before is not null || size is not null)
        {
            return await GridPageAsync(before, size, cancellationToken);
        }

        var view = await explorer.PageAsync(filter, cancellationToken);
        if ((view.Error("cursor") ?? view.CursorError) is { } cursorError)
        {
            // Only a tampered link or loader sends a bad cursor: there is no field to show it beside.
            return Problem(detail: cursorError, statusCode: StatusCodes.Status400BadRequest, title: "Bad cursor");
        }

        if (!view.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        if (Request.IsHtmx())
        {
            // The loader row asks for the next page (cursor); the form, Clear and back/forward for the whole region.
            return filter.Cursor is not null ? PartialView("_ExplorerRows", view.Results) : PartialView("_Explorer", view);
        }

        return View("Index", view);
    }

    /// <summary>The count and sums of the filtered set, loaded by the page after its rows.</summary>
    [HttpGet("/invoices/summary")]
    public async Task<IActionResult> Summary([FromQuery] InvoiceFilterInput filter, CancellationToken cancellationToken)
    {
        var (summary, errors) = await explorer.SummaryAsync(filter, cancellationToken);
        return summary is null
            ? ValidationProblem(new ValidationProblemDetails(errors.ToDictionary()) { Status = StatusCodes.Status400BadRequest })
            : PartialView("_Summary", summary);
    }

    /// <summary>The typeahead's options: party names containing what is typed so far.</summary>
    [HttpGet("/invoices/parties/{kind:regex(^(seller|buyer)$)}")]
    public async Task<IActionResult> Parties(string kind, [FromQuery] string? seller, [FromQuery] string? buyer, CancellationToken cancellationToken)
    {
        var (partyKind, text) = kind == "seller" ? (PartyKind.Seller, seller) : (PartyKind.Buyer, buyer);
        if (text?.Length > InvoiceFilterInput.MaxNameLength)
        {
            return Problem(detail: $"{kind} is at most {InvoiceFilterInput.MaxNameLength} characters.", statusCode: StatusCodes.Status400BadRequest, title: "Bad name");
        }

        return PartialView("_PartyOptions", await explorer.NamesAsync(partyKind, text, cancellationToken));
    }

    // The dashboard grid's older rows, newest first.
    private async Task<IActionResult> GridPageAsync(string? before, string? size, CancellationToken cancellationToken)
    {
        var pageSize = Cursors.PageSize(size);
        if (!pageSize.IsValid)
        {
            return Problem(detail: pageSize.Error, statusCode: StatusCodes.Status400BadRequest, title: "Bad page size");
        }

        var from = await cursors.BeforeAsync(before, cancellationToken);
        if (!from.IsValid)
        {
            return Problem(detail: from.Error, statusCode: StatusCodes.Status400BadRequest, title: "Bad cursor");
        }

        return PartialView("_InvoiceRows", await pages.NewestFirstAsync(from.Value, pageSize.Value, cancellationToken));
    }
}
