using System.Globalization;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Invoices;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// GET /ledger: the trial balance (from the running balances, never a sum of the journal) and one
/// account's journal, newest first, keyset-paged (?account=1100&amp;before=entry id).
/// GET /reports/aging: open balances per buyer in the aging buckets on today's date (<see cref="LifecycleClock.Today"/>),
/// <see cref="AgingPageSize"/> buyers a page by name (?after=the last buyer's id), and the total over all of them.
/// </summary>
public sealed class LedgerController(LedgerQueries ledger, AgingQueries aging, LedgerViews views, LifecycleClock calendar) : Controller
{
    public const int PageSize = 50;
    public const int AgingPageSize = 100;

    [HttpGet("/ledger")]
    public async Task<IActionResult> Index([FromQuery] string? account, [FromQuery] string? before, CancellationToken cancellationToken)
    {
        var chosen = string.IsNullOrEmpty(account) ? LedgerAccount.AccountsReceivable : LedgerAccount.Find(account);
        long? beforeId = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return BadInput("before must be a journal entry number: a whole number from 1 up.");
            }

            beforeId = id;
        }

        if (chosen is null)
        {
            return BadInput($"account must be one of {string.Join(", ", LedgerAccount.All.Select(a => a.Code))}.");
        }

        var trial = await ledger.TrialBalanceAsync(cancellationToken);
        var journal = await ledger.JournalAsync(chosen.Code, beforeId, PageSize, cancellationToken);
        return View(views.Ledger(trial, chosen, journal));
    }

    [HttpGet("/reports/aging")]
    public async Task<IActionResult> Aging([FromQuery] string? after, CancellationToken cancellationToken)
    {
        long? afterId = null;
        if (!string.IsNullOrEmpty(after))
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                return BadInput("after must be a buyer's id: a whole number from 1 up.");
            }

            afterId = id;
        }

        var report = await aging.AgingAsync(calendar.Today, afterId, AgingPageSize, cancellationToken);
        return View(views.Aging(report, isFirstPage: afterId is null));
    }

    private ObjectResult BadInput(string message) =>
        Problem(detail: message, statusCode: StatusCodes.Status400BadRequest, title: "Bad ledger query");
}
