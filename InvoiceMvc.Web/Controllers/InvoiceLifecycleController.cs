using System.Security.Claims;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// Recording a payment (Operators and Admins) and voiding (Admins) from the invoice's detail page.
/// Plain form posts: a success redirects back to the page with a message (so a reload posts nothing
/// again); a refusal shows the page again with 400 and the message beside its field, the input kept.
/// The change itself reaches every open page over its stream (the database's NOTIFY).
/// </summary>
[AutoValidateAntiforgeryToken]
[EnableRateLimiting(RateLimitPolicies.Control)]
public sealed class InvoiceLifecycleController(PaymentService payments, VoidService voids, InvoiceDocuments documents, DashboardFormatter formatter) : Controller
{
    public static LifecycleAccess AccessOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new LifecycleAccess(user.IsInRole(Roles.Operator) || user.IsInRole(Roles.Admin), user.IsInRole(Roles.Admin));
    }

    [HttpPost("/invoices/{number}/payments")]
    [Authorize(Policy = Policies.Control)]
    public async Task<IActionResult> Pay(string number, [FromForm] PaymentForm form, CancellationToken cancellationToken)
    {
        if (await documents.FindAsync(number, cancellationToken) is not { } invoice)
        {
            return NotFound();
        }

        if (!form.TryParse(invoice.InvoiceNumber, out var request, out var error))
        {
            return await RefusedAsync(invoice, new LifecycleFormState(Payment: form, PaymentError: error), cancellationToken);
        }

        var result = await payments.RecordAsync(request!, User.Identity?.Name ?? "(unknown)", cancellationToken);
        return await result.Match<Task<IActionResult>>(
            recorded: r => Task.FromResult<IActionResult>(Done(invoice.InvoiceNumber,
                $"Payment of {formatter.Money(request!.Amount)} recorded. {(r.Standing.Status == InvoiceStatus.Paid ? "The invoice is paid." : $"Balance {formatter.Money(r.Standing.Balance)}.")}")),
            duplicate: _ => Task.FromResult<IActionResult>(Done(invoice.InvoiceNumber, "That payment was already recorded; it was not recorded again.")),
            notFound: _ => Task.FromResult<IActionResult>(NotFound()),
            rejected: r => RefusedAsync(invoice, new LifecycleFormState(Payment: form, PaymentError: (r.Field, r.Message)), cancellationToken));
    }

    [HttpPost("/invoices/{number}/void")]
    [Authorize(Policy = Policies.Admin)]
    public async Task<IActionResult> Void(string number, [FromForm] string? reason, CancellationToken cancellationToken)
    {
        if (await documents.FindAsync(number, cancellationToken) is not { } invoice)
        {
            return NotFound();
        }

        var result = await voids.VoidAsync(invoice.InvoiceNumber, reason ?? "", User.Identity?.Name ?? "(unknown)", cancellationToken);
        return await result.Match<Task<IActionResult>>(
            voided: _ => Task.FromResult<IActionResult>(Done(invoice.InvoiceNumber, $"Invoice {invoice.InvoiceNumber} is void. Its number stays in the sequence.")),
            notFound: _ => Task.FromResult<IActionResult>(NotFound()),
            rejected: r => RefusedAsync(invoice, new LifecycleFormState(VoidReason: reason, VoidError: r.Message), cancellationToken));
    }

    private RedirectResult Done(string number, string message)
    {
        TempData["Flash"] = message;
        return Redirect($"/invoices/{number}");
    }

    private async Task<IActionResult> RefusedAsync(Domain.Invoices.Invoice invoice, LifecycleFormState state, CancellationToken cancellationToken)
    {
        var view = View("~/Views/InvoiceDocuments/Detail.cshtml", await documents.DetailAsync(invoice, [], AccessOf(User), state, cancellationToken));
        view.StatusCode = StatusCodes.Status400BadRequest;
        return view;
    }
}
