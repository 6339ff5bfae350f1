using InvoiceMvc.Web.Analytics;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>GET /analytics: trends, growth, top sellers and buyers, peak and anomalies of a date range.</summary>
public sealed class AnalyticsController(AnalyticsReport report) : Controller
{
    [HttpGet("/analytics")]
    public async Task<IActionResult> Index([FromQuery] AnalyticsInput input, CancellationToken cancellationToken)
    {
        var view = await report.PageAsync(input, cancellationToken);
        if (!view.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return View(view);
    }
}
