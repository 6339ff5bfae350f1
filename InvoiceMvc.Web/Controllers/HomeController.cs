using System.Diagnostics;
using InvoiceMvc.Infrastructure.Stats;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Models;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

public sealed class HomeController(StatsCache stats, InvoicePages pages, Cursors cursors, DashboardFormatter formatter) : Controller
{
    /// <summary>
    /// The dashboard as of now: totals, status, the newest page of invoices, and the stream cursor
    /// set to the newest row rendered, so the stream continues exactly after what the page shows.
    /// </summary>
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var live = await cursors.CurrentAsync(cancellationToken);
        var totals = await stats.GetAsync(cancellationToken);
        var page = await pages.NewestFirstAsync(before: null, Cursors.DefaultPageSize, cancellationToken);
        var after = page.Rows.Count > 0 ? page.Rows[0].Id : 0;
        var waiting = Math.Max(0, live.Stats.LastInvoiceId - after);
        return View(new DashboardPageView(
            formatter.Status(live.Run, waiting),
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
