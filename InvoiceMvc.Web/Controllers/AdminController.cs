using InvoiceMvc.Infrastructure.Audit;
using InvoiceMvc.Web.Models;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

[Route("admin")]
[Authorize(Policy = Policies.Admin)]
public sealed class AdminController(AuditTrail audit) : Controller
{
    [HttpGet("audit")]
    public async Task<IActionResult> Audit(CancellationToken cancellationToken) =>
        View((await audit.LatestAsync(500, cancellationToken)).Select(AuditEntryView.From).ToList());
}
