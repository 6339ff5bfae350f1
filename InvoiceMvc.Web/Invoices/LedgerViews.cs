using System.Globalization;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Web.Invoices;

public sealed record TrialBalanceRowView(string Code, string Name, string Debits, string Credits, string Balance, bool IsSelected);

public sealed record JournalRowView(long EntryId, string PostedAt, string PostedAtIso, string Kind, string InvoiceNumber, string Memo, string Debit, string Credit);

/// <summary>The ledger page: every account's totals, their sums and difference, and one account's journal page.</summary>
public sealed record LedgerView(
    IReadOnlyList<TrialBalanceRowView> Accounts, string TotalDebits, string TotalCredits, string Difference, bool Balances,
    string AccountCode, string AccountName, IReadOnlyList<JournalRowView> Journal, string? NextUrl);

public sealed record AgingRowView(string Buyer, IReadOnlyList<string> Buckets, string Total);

/// <summary>
/// The aging page: bucket labels, a page of the buyers who owe anything, the totals row over all of
/// them (= accounts receivable), and the links to the next page and back to the first.
/// </summary>
public sealed record AgingView(
    string Today, string TodayIso, IReadOnlyList<string> Labels, IReadOnlyList<AgingRowView> Buyers, AgingRowView Total,
    bool NothingOwed, bool IsFirstPage, string? NextUrl);

/// <summary>Formats the ledger's and the aging report's figures in the display culture.</summary>
public sealed class LedgerViews(DashboardFormatter formatter)
{
    public LedgerView Ledger(TrialBalance trial, LedgerAccount account, JournalPage? journal)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(account);
        var rows = trial.Accounts.Select(a => new TrialBalanceRowView(a.Account.Code, a.Account.Name, formatter.Money(a.Debits), formatter.Money(a.Credits),
            formatter.Money(a.Balance), a.Account.Code == account.Code)).ToList();
        var lines = journal?.Lines.Select(l => new JournalRowView(l.EntryId, formatter.Date(l.PostedAt), InvoiceDocuments.Iso(l.PostedAt), Kind(l.Kind),
            l.InvoiceNumber, l.Memo, l.Debit == 0m ? "" : formatter.Money(l.Debit), l.Credit == 0m ? "" : formatter.Money(l.Credit))).ToList() ?? [];
        var next = journal?.NextBeforeEntryId is { } before
            ? string.Create(CultureInfo.InvariantCulture, $"/ledger?account={account.Code}&before={before}")
            : null;
        return new LedgerView(rows, formatter.Money(trial.TotalDebits), formatter.Money(trial.TotalCredits), formatter.Money(trial.Difference),
            trial.Difference == 0m, account.Code, account.Name, lines, next);
    }

    public AgingView Aging(AgingReport report, bool isFirstPage)
    {
        ArgumentNullException.ThrowIfNull(report);
        AgingRowView Row(string name, AgingTotals t) =>
            new(name, [.. Domain.Lifecycle.Aging.All.Select(b => formatter.Money(t[b]))], formatter.Money(t.Total));
        return new AgingView(
            report.Today.ToString(formatter.Culture.DateTimeFormat.LongDatePattern, formatter.Culture),
            report.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [.. Domain.Lifecycle.Aging.All.Select(Domain.Lifecycle.Aging.Label)],
            [.. report.Buyers.Select(b => Row(b.BuyerName, b.Totals))],
            Row("Total", report.Total),
            report.Total.Total == 0m,
            isFirstPage,
            report.MoreBuyers ? string.Create(CultureInfo.InvariantCulture, $"/reports/aging?after={report.Buyers[^1].BuyerId}") : null);
    }

    private static string Kind(JournalEntryKind kind) => kind switch
    {
        JournalEntryKind.Issue => "Issue",
        JournalEntryKind.Payment => "Payment",
        JournalEntryKind.Void => "Void",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an entry kind."),
    };
}
