using InvoiceMvc.Web.Analytics;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>The analytics page's figures as JSON (in the OpenAPI document at /openapi/v1.json).</summary>
[ApiController]
[Route("api/analytics")]
public sealed class AnalyticsApiController(AnalyticsReport report) : ControllerBase
{
    /// <summary>Trend, growth, rankings, peak and anomalies of whole UTC days from..to (default today), per minute, hour or day.</summary>
    [HttpGet]
    [EndpointSummary("Analytics of a date range")]
    [EndpointDescription("from and to are UTC days (yyyy-MM-dd, both included; default today); bucket is minute, hour or day (default: what fits the range). Buckets are aligned to UTC.")]
    [ProducesResponseType<AnalyticsJson>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<ActionResult<AnalyticsJson>> Get([FromQuery] AnalyticsInput input, CancellationToken cancellationToken)
    {
        var errors = await report.ErrorsAsync(input, cancellationToken);
        if (errors.Count > 0)
        {
            foreach (var (field, message) in errors)
            {
                ModelState.AddModelError(field, message);
            }

            return ValidationProblem(ModelState);
        }

        return AnalyticsJson.Create(await report.ResultAsync(input, cancellationToken));
    }
}
