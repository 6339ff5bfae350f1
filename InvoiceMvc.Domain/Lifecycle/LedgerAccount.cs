namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>The side on which an account's balance normally sits (its balance = that side minus the other).</summary>
public enum NormalSide
{
    Debit = 1,
    Credit = 2,
}

/// <summary>
/// The chart of accounts: the four accounts the invoice lifecycle posts to. The codes are the
/// ledger_accounts rows the Lifecycle migration seeds (and the posting triggers name).
/// </summary>
public sealed record LedgerAccount(string Code, string Name, NormalSide NormalSide)
{
    public static readonly LedgerAccount CashAtBank = new("1000", "Cash at bank", NormalSide.Debit);
    public static readonly LedgerAccount AccountsReceivable = new("1100", "Accounts receivable", NormalSide.Debit);
    public static readonly LedgerAccount VatPayable = new("2200", "VAT payable", NormalSide.Credit);
    public static readonly LedgerAccount Sales = new("4000", "Sales", NormalSide.Credit);

    /// <summary>In code order.</summary>
    public static readonly IReadOnlyList<LedgerAccount> All = [CashAtBank, AccountsReceivable, VatPayable, Sales];

    public static LedgerAccount? Find(string code) => All.FirstOrDefault(a => a.Code == code);

    /// <summary>The balance on the account's normal side (negative when it sits on the other side).</summary>
    public decimal BalanceOf(decimal debits, decimal credits) => NormalSide == NormalSide.Debit ? debits - credits : credits - debits;
}

/// <summary>What posted a journal entry (journal_entries.kind).</summary>
public enum JournalEntryKind
{
    Issue = 1,
    Payment = 2,
    Void = 3,
}
