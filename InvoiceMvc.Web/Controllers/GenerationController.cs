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
        var result = await generation.StartAsync(cancellationToken);
        await (result switch
        {
            StartResult.Started s => AuditAsync("start", "started", s.Run.Id, cancellationToken),
            StartResult.AlreadyRunning a => AuditAsync("start", "conflict", a.RunId, cancellationToken),
            _ => throw new InvalidOperationException("Unknown start result"),
        });
        return result switch
        {
            StartResult.Started s => Answer(StatusCodes.Status202Accepted, $"Run {s.Run.Id} started: {s.Run.Target} invoices at {s.Run.RatePerSecond}/s.", s.Run.Id),
            StartResult.AlreadyRunning a => Answer(StatusCodes.Status409Conflict, $"A generation run is already active (run {a.RunId}). Stop it before starting another.", a.RunId),
            _ => throw new InvalidOperationException("Unknown start result"),
        };
    }

    [HttpPost("stop")]
    public async Task<IActionResult> Stop(CancellationToken cancellationToken)
    {
        var result = await generation.StopAsync(cancellationToken);
        await (result switch
        {
            StopResult.Stopped s => AuditAsync("stop", "stopped", s.Run.Id, cancellationToken),
            StopResult.NothingRunning => AuditAsync("stop", "nothing-running", null, cancellationToken),
            _ => throw new InvalidOperationException("Unknown stop result"),
        });
        return result switch
        {
            StopResult.Stopped s => Answer(StatusCodes.Status200OK, $"Run {s.Run.Id} stopped at {s.Run.Produced} of {s.Run.Target} invoices.", s.Run.Id),
            StopResult.NothingRunning => Answer(StatusCodes.Status409Conflict, "No generation run is active.", null),
            _ => throw new InvalidOperationException("Unknown stop result"),
        };
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
