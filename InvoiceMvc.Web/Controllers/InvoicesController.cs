using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>Older invoices for the grid's infinite scroll: keyset pages of row partials, newest first.</summary>
public sealed class InvoicesController(InvoiceQueries queries, Cursors cursors, DashboardFormatter formatter) : Controller
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

        return PartialView("_InvoiceRows", await LoadPageAsync(queries, formatter, from.Value, pageSize.Value, cancellationToken));
    }

    internal static async Task<InvoicePageView> LoadPageAsync(
        InvoiceQueries queries, DashboardFormatter formatter, long? before, int size, CancellationToken cancellationToken)
    {
        var invoices = await queries.PageNewestFirstAsync(before, size, cancellationToken);
        // Ids are gapless from 1, but a short page is the end whatever the ids say.
        var isEnd = invoices.Count < size || invoices[^1].Id <= 1;
        return new InvoicePageView(
            invoices.Select(i => formatter.Row(i)).ToList(),
            isEnd ? null : invoices[^1].Id,
            size);
    }
}
