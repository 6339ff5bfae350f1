using System.Diagnostics;
using InvoiceMvc.Infrastructure.Stats;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

public sealed class HomeController(StatsCache stats) : Controller
{
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View(await stats.GetAsync(cancellationToken));

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
