using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

/// <summary>The trial balance, an account's journal, the aging report and an invoice's activity, read after real payments and a void.</summary>
public sealed class LifecycleQueriesTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);

    // INV-0000001 pays 15.00 (then owes 100.00, current); INV-0000002 (11.50, 38 days past due) stays open; INV-0000003 is voided.
    private static async Task<LifecycleDatabase> ActiveAsync()
    {
        var l = await LifecycleDatabase.CreateAsync();
        Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request(amount: 15.00m, reference: "BANK-7")));
        Assert.IsType<VoidResult.Voided>(await l.VoidAsync("INV-0000003", "Issued twice"));
        return l;
    }

    [Fact]
    public async Task TrialBalance_ReadsEachAccountsRunningTotals_AndTheDifferenceIsZero()
    {
        await using var l = await ActiveAsync();

        var trial = await new LedgerQueries(l.Db.DataSource).TrialBalanceAsync();

        Assert.Equal(
            [("1000", 15.00m, 0m, 15.00m), ("1100", 149.50m, 38.00m, 111.50m), ("2200", 3.00m, 19.50m, 16.50m), ("4000", 20.00m, 130.00m, 110.00m)],
            trial.Accounts.Select(a => (a.Account.Code, a.Debits, a.Credits, a.Balance)));
        Assert.Equal((187.50m, 187.50m, 0m), (trial.TotalDebits, trial.TotalCredits, trial.Difference));
    }

    [Fact]
    public async Task Journal_PagesOneAccount_NewestFirst_ByEntry()
    {
        await using var l = await ActiveAsync();
        var ledger = new LedgerQueries(l.Db.DataSource);

        // Receivable: three issues, the payment, the void: five entries, two per page.
        var seen = new List<(JournalEntryKind, string, decimal, decimal)>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await ledger.JournalAsync("1100", before, 2);
            Assert.NotNull(page);
            Assert.InRange(page.Lines.Count, 1, 2);
            seen.AddRange(page.Lines.Select(x => (x.Kind, x.InvoiceNumber, x.Debit, x.Credit)));
            before = page.NextBeforeEntryId;
            pages++;
        }
        while (before is not null);

        Assert.Equal(3, pages);
        Assert.Equal(
            [(JournalEntryKind.Void, "INV-0000003", 0m, 23.00m), (JournalEntryKind.Payment, "INV-0000001", 0m, 15.00m),
             (JournalEntryKind.Issue, "INV-0000003", 23.00m, 0m), (JournalEntryKind.Issue, "INV-0000002", 11.50m, 0m),
             (JournalEntryKind.Issue, "INV-0000001", 115.00m, 0m)],
            seen);
        Assert.Null(await ledger.JournalAsync("9999", null, 10));
    }

    [Fact]
    public async Task Aging_PutsOpenBalancesInTheirBuckets_PerBuyerAndInTotal_EqualToReceivable()
    {
        await using var l = await ActiveAsync();

        var report = await new AgingQueries(l.Db.DataSource).AgingAsync(Today, null, 100);

        var b = Assert.Single(report.Buyers);
        Assert.Equal("B", b.BuyerName);
        Assert.Equal(100.00m, b.Totals[AgingBucket.Current]);
        Assert.Equal(11.50m, b.Totals[AgingBucket.Days31To60]);
        Assert.Equal(111.50m, report.Total.Total);
        Assert.Equal((await new LedgerQueries(l.Db.DataSource).TrialBalanceAsync()).Accounts.Single(a => a.Account == LedgerAccount.AccountsReceivable).Balance,
            report.Total.Total);

        // 60 days on, INV-0000002 (due 2026-01-31) is 98 days past due and INV-0000001 (due 2026-03-31) 39.
        var later = await new AgingQueries(l.Db.DataSource).AgingAsync(Today.AddDays(60), null, 100);
        Assert.Equal((0m, 100.00m, 11.50m), (later.Total[AgingBucket.Current], later.Total[AgingBucket.Days31To60], later.Total[AgingBucket.Over90]));
        Assert.Equal((0m, 100.00m, 11.50m), (later.Buyers[0].Totals[AgingBucket.Current], later.Buyers[0].Totals[AgingBucket.Days31To60], later.Buyers[0].Totals[AgingBucket.Over90]));
    }

    [Fact]
    public async Task Aging_PagesTheBuyersByName_AndEveryPageCarriesTheTotalOfAll()
    {
        await using var l = await LifecycleDatabase.CreateAsync(); // B owes 126.50, C 23.00
        var aging = new AgingQueries(l.Db.DataSource);

        var first = await aging.AgingAsync(Today, null, 1);
        var second = await aging.AgingAsync(Today, first.Buyers[0].BuyerId, 1);
        var past = await aging.AgingAsync(Today, second.Buyers[0].BuyerId, 1);

        Assert.Equal(["B"], first.Buyers.Select(b => b.BuyerName));
        Assert.True(first.MoreBuyers);
        Assert.Equal(126.50m, first.Buyers[0].Totals.Total);
        Assert.Equal(["C"], second.Buyers.Select(b => b.BuyerName));
        Assert.False(second.MoreBuyers);
        Assert.Equal(23.00m, second.Buyers[0].Totals.Total);
        Assert.Equal((0, false), (past.Buyers.Count, past.MoreBuyers));
        Assert.All([first, second, past], r => Assert.Equal(149.50m, r.Total.Total));
        Assert.Empty((await aging.AgingAsync(Today, 999_999, 1)).Buyers);
        Assert.Equal("", await LedgerInvariants.BrokenAsync(l.Db));
    }

    [Fact]
    public async Task Lifecycle_HasTheLinesAndTheActivity_NewestLast()
    {
        await using var l = await ActiveAsync();
        var queries = new InvoiceLifecycleQueries(l.Db.DataSource);

        var paid = await queries.LoadAsync("INV-0000001");
        var voided = await queries.LoadAsync("INV-0000003");

        Assert.NotNull(paid);
        Assert.Equal([new LineItem(1, "Widget", 3, 20.00m, 60.00m), new LineItem(2, "Gadget", 8, 5.00m, 40.00m)], paid.Lines);
        Assert.Equal([InvoiceActivityKind.Issued, InvoiceActivityKind.Payment], paid.Activity.Select(a => a.Kind));
        Assert.Equal(("operator", 15.00m, PaymentMethod.BankTransfer, "BANK-7", new DateOnly(2026, 3, 9)),
            (paid.Activity[1].Actor, paid.Activity[1].Amount!.Value, paid.Activity[1].Method!.Value, paid.Activity[1].Reference, paid.Activity[1].PaidOn!.Value));
        Assert.Equal(InvoiceStatus.PartiallyPaid, paid.StandingOn(Today).Status);
        Assert.Equal(InvoiceStatus.Overdue, paid.StandingOn(new DateOnly(2026, 4, 1)).Status);
        Assert.NotNull(voided);
        Assert.Equal(("admin", "Issued twice"), (voided.Activity[^1].Actor, voided.Activity[^1].Reason));
        Assert.Equal(InvoiceActivityKind.Voided, voided.Activity[^1].Kind);
        Assert.Null(await queries.LoadAsync("INV-0000099"));
    }
}
