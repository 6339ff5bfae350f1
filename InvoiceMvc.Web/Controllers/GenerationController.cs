using Htmx;
using InvoiceMvc.Infrastructure.Audit;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Web.Models;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// START and STOP. Three kinds of caller, same status codes: htmx gets the flash partial (the new
/// state itself arrives over the page's SSE stream), a plain form post is redirected back to the
/// dashboard, and API clients get JSON or problem details.
/// </summary>
[Route("generation")]
[AutoValidateAntiforgeryToken]
[Authorize(Policy = Policies.Control)]
[EnableRateLimiting(RateLimitPolicies.Control)]
public sealed class GenerationController(GenerationService generation, AuditTrail audit) : Controller
{
    [HttpPost("start")]
    public async Task<IActionResult> Start(CancellationToken cancellationToken)
    {
        var (outcome, status, message, runId) = (await generation.StartAsync(cancellationToken)).Match(
            started: s => ("started", StatusCodes.Status202Accepted, $"Run {s.Run.Id} started: {s.Run.Target} invoices at {s.Run.RatePerSecond}/s.", s.Run.Id),
            alreadyRunning: a => ("conflict", StatusCodes.Status409Conflict, $"A generation run is already active (run {a.RunId}). Stop it before starting another.", a.RunId));
        await AuditAsync("start", outcome, runId, cancellationToken);
        return Answer(status, message, runId);
    }

    [HttpPost("stop")]
    public async Task<IActionResult> Stop(CancellationToken cancellationToken)
    {
        var (outcome, status, message, runId) = (await generation.StopAsync(cancellationToken)).Match(
            stopped: s => ("stopped", StatusCodes.Status200OK, $"Run {s.Run.Id} stopped at {s.Run.Produced} of {s.Run.Target} invoices.", (long?)s.Run.Id),
            nothingRunning: _ => ("nothing-running", StatusCodes.Status409Conflict, "No generation run is active.", null));
        await AuditAsync("stop", outcome, runId, cancellationToken);
        return Answer(status, message, runId);
    }

    private Task AuditAsync(string action, string outcome, long? runId, CancellationToken cancellationToken) =>
        audit.RecordAsync(User.Identity?.Name ?? "(unknown)", HttpContext.Connection.RemoteIpAddress?.ToString(), action, outcome, runId, cancellationToken);

    private IActionResult Answer(int status, string message, long? runId)
    {
        if (Request.IsHtmx())
        {
            var flash = PartialView("_Flash", new FlashView(message, IsError: status >= 400));
            flash.StatusCode = status;
            return flash;
        }

        if (IsPlainFormPost())
        {
            TempData["Flash"] = message;
            return Redirect("/");
        }

        return status >= 400
            ? Problem(detail: message, statusCode: status, title: status == 409 ? "Conflict" : null)
            : StatusCode(status, new { runId, message });
    }

    // A browser without JavaScript posts a form and expects a page back.
    private bool IsPlainFormPost() =>
        Request.HasFormContentType && Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
