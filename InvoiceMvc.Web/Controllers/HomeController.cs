using System.Diagnostics;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Infrastructure.Stats;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

public sealed class HomeController(StatsCache stats, InvoiceQueries queries, Cursors cursors, DashboardFormatter formatter) : Controller
{
    /// <summary>
    /// The dashboard as of now: totals, status, the newest page of invoices, and the stream cursor
    /// set to the newest row rendered, so the stream continues exactly after what the page shows.
    /// </summary>
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        // One source each: the totals (cards, and the newest id behind them) come from the stats cache
        // (Redis; PostgreSQL's stats row when Redis is empty or down), the live state gives only the run.
        var run = (await cursors.CurrentAsync(cancellationToken)).Run;
        var totals = await stats.GetAsync(cancellationToken);
        var page = await InvoicesController.LoadPageAsync(queries, formatter, before: null, Cursors.DefaultPageSize, cancellationToken);
        var after = page.Rows.Count > 0 ? page.Rows[0].Id : 0;
        var waiting = Math.Max(0, totals.LastInvoiceId - after);
        return View(new DashboardPageView(
            formatter.Status(run, waiting),
            formatter.Cards(totals),
            page,
            after,
            TempData["Flash"] as string));
    }

    // Any method: the exception handler and status pages re-execute the original request (POSTs too).
    [Route("/Home/Error")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error() => View("Error", Activity.Current?.Id ?? HttpContext.TraceIdentifier);

    [Route("/Home/Status/{code:int}")]
    public IActionResult Status(int code)
    {
        Response.StatusCode = code;
        return View("Status", code);
    }
}
