using System.Diagnostics;
using System.Globalization;
using InvoiceMvc.Infrastructure.Stats;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Models;
using InvoiceMvc.Web.Security;
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
        // One source each: the totals (cards, and the newest id behind them) come from the stats cache
        // (Redis; PostgreSQL's stats row when Redis is empty or down), the live state gives only the run.
        var run = (await cursors.CurrentAsync(cancellationToken)).Run;
        var totals = await stats.GetAsync(cancellationToken);
        var page = await pages.NewestFirstAsync(before: null, Cursors.DefaultPageSize, cancellationToken);
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

    /// <summary>
    /// The page for a status with no body (the status-code pages re-execute the original request here, any method).
    /// No parameters: binding would read the original body, and a malformed form then bound the code as 0 (HTTP 0).
    /// The code comes from the route alone. API clients that prefer JSON get problem details; browsers and htmx the page.
    /// </summary>
    [Route("/Home/Status/{code:int:range(400,599)}")]
    public IActionResult Status()
    {
        var code = int.Parse((string)RouteData.Values["code"]!, CultureInfo.InvariantCulture);
        if (ApiClients.PrefersJson(Request))
        {
            return Problem(statusCode: code, title: StatusTexts.Title(code), detail: StatusTexts.Text(code));
        }

        Response.StatusCode = code;
        return View("Status", code);
    }
}
