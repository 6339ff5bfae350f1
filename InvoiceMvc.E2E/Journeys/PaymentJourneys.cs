using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>
/// Payments recorded on an invoice's detail page, seen live by everyone else: the row of that invoice
/// on another user's dashboard and on an explorer changes in place over their streams, without a reload.
/// </summary>
public sealed class PaymentJourneys(ITestOutputHelper output)
{
    /// <summary>
    /// How soon, from the click, another page must show a payment: the stream sends the changed row at
    /// once (outside the row pacing), so this is a few seconds, with room for a loaded 2-core machine;
    /// the journey's log says how long it really took.
    /// </summary>
    private const float LiveWithin = 10_000;

    private const long InvoiceId = 2;
    private const string Number = "INV-0000002";

    [Fact]
    public Task AnOperatorPaysInTwoParts_AnotherUsersDashboardAndAnExplorerShowPartiallyPaidThenPaid_Live() => Journey.RunAsync(
        new JourneySetup { SeedInvoices = 3 }, async j =>
    {
        // The amount over the balance is refused with 400, the form and its message: the browser logs that.
        j.AllowConsoleError(new Regex(@"status of 400 \(Bad Request\)"));
        var us = DashboardPage.Culture;
        var db = j.App.Database;
        var total = await db.ScalarAsync<decimal>($"SELECT total_amount FROM invoices WHERE id = {InvoiceId}");
        const decimal first = 1.50m;
        var rest = total - first;
        Assert.True(rest > 0.01m, $"the seeded invoice's total {total} leaves a balance after {first}");

        // Browser B: an Admin's dashboard with the invoice's row, open; browser C: the explorer, signed out.
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Admin, label: "B-dashboard");
        var dashboardRow = dashboard.Row(InvoiceId);
        await Expect(dashboardRow.Status).ToHaveTextAsync("Open");
        await Expect(dashboardRow.AmountDue).ToHaveTextAsync(total.ToString("C2", us));
        var explorer = new ExplorerPage(await j.NewPageAsync(label: "C-explorer"));
        await explorer.GotoAsync();
        await explorer.WaitForStreamAsync();
        var explorerRow = explorer.Row(InvoiceId);
        await Expect(explorerRow.Status).ToHaveTextAsync("Open");
        // Marks that a reload would wipe: the rows below must change with these pages still the same documents.
        foreach (var page in new[] { dashboard.Page, explorer.Page })
        {
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        }

        // Browser A: the Operator, on the invoice's page. Nothing paid yet; the form offers the whole balance.
        var operatorDashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator, label: "A-operator");
        var detail = new InvoiceDetailPage(operatorDashboard.Page);
        await detail.GotoAsync(Number);
        await Expect(detail.Status).ToHaveTextAsync("Open");
        await Expect(detail.Paid).ToHaveTextAsync(0m.ToString("C2", us));
        await Expect(detail.AmountDue).ToHaveTextAsync(total.ToString("C2", us));
        await Expect(detail.ActivityEntries).ToHaveCountAsync(1);
        await Expect(detail.ActivityEntries.Nth(0)).ToContainTextAsync($"Issued for {total.ToString("C2", us)}");
        await Expect(detail.PaymentAmount).ToHaveValueAsync(total.ToString("0.00", CultureInfo.InvariantCulture));
        var paidOn = await detail.PaymentPaidOn.InputValueAsync();

        // A partial payment: A says so and shows the balance; B's and C's rows turn "Partially paid" live.
        var clock = Stopwatch.StartNew();
        await detail.SubmitPaymentAsync(Invariant(first), method: "Card", reference: "CARD-4411");
        await Expect(dashboardRow.Status).ToHaveTextAsync("Partially paid", new() { Timeout = LiveWithin });
        output.WriteLine($"dashboard row Partially paid {clock.ElapsedMilliseconds} ms after the click");
        await Expect(explorerRow.Status).ToHaveTextAsync("Partially paid", new() { Timeout = LiveWithin });
        output.WriteLine($"explorer row Partially paid {clock.ElapsedMilliseconds} ms after the click");
        await Expect(dashboardRow.AmountDue).ToHaveTextAsync(rest.ToString("C2", us));
        await Expect(explorerRow.AmountDue).ToHaveTextAsync(rest.ToString("C2", us));

        await Expect(detail.Flash).ToHaveTextAsync($"Payment of {first.ToString("C2", us)} recorded. Balance {rest.ToString("C2", us)}.");
        await Expect(detail.Status).ToHaveTextAsync("Partially paid");
        await Expect(detail.Paid).ToHaveTextAsync(first.ToString("C2", us));
        await Expect(detail.AmountDue).ToHaveTextAsync(rest.ToString("C2", us));
        await Expect(detail.ActivityEntries).ToHaveCountAsync(2);
        await Expect(detail.ActivityEntries.Nth(1)).ToContainTextAsync(
            $"{TestAccounts.Operator} Payment of {first.ToString("C2", us)} by card, reference CARD-4411, paid on {paidOn}");
        Assert.Equal(first, await db.ScalarAsync<decimal>($"SELECT paid_amount FROM invoices WHERE id = {InvoiceId}"));

        // A cent over the balance: refused beside the Amount field, what was typed kept, nothing recorded.
        var over = rest + 0.01m;
        await detail.SubmitPaymentAsync(Invariant(over));
        await Expect(detail.PaymentAmountError).ToHaveTextAsync($"The amount is more than the balance of {Invariant(rest)}.");
        await Expect(detail.PaymentAmount).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(detail.PaymentAmount).ToHaveAccessibleDescriptionAsync($"The amount is more than the balance of {Invariant(rest)}.");
        await Expect(detail.PaymentAmount).ToHaveValueAsync(Invariant(over));
        await Expect(detail.Status).ToHaveTextAsync("Partially paid");
        await Expect(detail.AmountDue).ToHaveTextAsync(rest.ToString("C2", us));
        await Expect(detail.ActivityEntries).ToHaveCountAsync(2);
        Assert.Equal(first, await db.ScalarAsync<decimal>($"SELECT paid_amount FROM invoices WHERE id = {InvoiceId}"));
        Assert.Equal(1L, await db.ScalarAsync<long>($"SELECT count(*) FROM payments WHERE invoice_id = {InvoiceId}"));

        // The rest, by bank transfer: paid. The form goes (nothing left to pay); B's and C's rows turn "Paid" live.
        clock.Restart();
        await detail.SubmitPaymentAsync(Invariant(rest), method: "Bank transfer", reference: "");
        await Expect(dashboardRow.Status).ToHaveTextAsync("Paid", new() { Timeout = LiveWithin });
        output.WriteLine($"dashboard row Paid {clock.ElapsedMilliseconds} ms after the click");
        await Expect(explorerRow.Status).ToHaveTextAsync("Paid", new() { Timeout = LiveWithin });
        output.WriteLine($"explorer row Paid {clock.ElapsedMilliseconds} ms after the click");
        await Expect(dashboardRow.AmountDue).ToHaveTextAsync(0m.ToString("C2", us));
        await Expect(explorerRow.AmountDue).ToHaveTextAsync(0m.ToString("C2", us));

        await Expect(detail.Flash).ToHaveTextAsync($"Payment of {rest.ToString("C2", us)} recorded. The invoice is paid.");
        await Expect(detail.Status).ToHaveTextAsync("Paid");
        await Expect(detail.Paid).ToHaveTextAsync(total.ToString("C2", us));
        await Expect(detail.AmountDue).ToHaveTextAsync(0m.ToString("C2", us));
        await Expect(detail.ActivityEntries).ToHaveCountAsync(3);
        await Expect(detail.ActivityEntries.Nth(2)).ToHaveTextAsync(new Regex(
            $@"{TestAccounts.Operator} Payment of {Regex.Escape(rest.ToString("C2", us))} by bank transfer, paid on {paidOn}$"));
        await Expect(detail.PaymentForm).ToHaveCountAsync(0);

        // Neither watching page was reloaded, and each still shows the invoice once, with its other cells as they were.
        foreach (var page in new[] { dashboard.Page, explorer.Page })
        {
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), $"{page.Url} was reloaded");
        }

        await Expect(dashboardRow.Locator).ToHaveCountAsync(1);
        await Expect(explorerRow.Locator).ToHaveCountAsync(1);
        await Expect(dashboardRow.Total).ToHaveTextAsync(total.ToString("C2", us));
        await Expect(dashboardRow.Number).ToHaveTextAsync(Number);

        // The database: two payments by the Operator, paid_amount their sum and the total, the ledger consistent.
        Assert.Equal(total, await db.ScalarAsync<decimal>($"SELECT paid_amount FROM invoices WHERE id = {InvoiceId}"));
        Assert.Equal(first + rest, await db.ScalarAsync<decimal>($"SELECT sum(amount) FROM payments WHERE invoice_id = {InvoiceId}"));
        Assert.Equal(
            $"{Invariant(first)} by {TestAccounts.Operator}; {Invariant(rest)} by {TestAccounts.Operator}",
            await db.ScalarAsync<string>($"SELECT string_agg(amount::text || ' by ' || recorded_by, '; ' ORDER BY id) FROM payments WHERE invoice_id = {InvoiceId}"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    });

    private static string Invariant(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
