using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>Older invoices for the grid's infinite scroll: keyset pages of row partials, newest first.</summary>
public sealed class InvoicesController(InvoicePages pages, Cursors cursors) : Controller
{
    [HttpGet("/invoices")]
    public async Task<IActionResult> Page([FromQuery] string? before, [FromQuery] string? size, CancellationToken cancellationToken)
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
