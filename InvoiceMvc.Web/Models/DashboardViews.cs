namespace InvoiceMvc.Web.Models;

/// <summary>One grid row, already formatted for the display culture.</summary>
public sealed record InvoiceRowView(
    long Id,
    string Number,
    string DateIso,
    string Date,
    string Seller,
    string Buyer,
    string Subtotal,
    string Vat,
    string Total,
    bool IsNew)
{
    /// <summary>Sent again after a payment or void: replaces the row of the same id wherever a page shows it (htmx out-of-band swap).</summary>
    public bool SwapOob { get; init; }

    public string AmountDue { get; init; } = "";

    /// <summary>"Partially paid"; <see cref="StatusKey"/> is its CSS class suffix ("partially-paid").</summary>
    public string Status { get; init; } = "";

    public string StatusKey { get; init; } = "";
}

/// <summary>A page of older rows and what closes it: a loader for the next page, or the end of the list.</summary>
public sealed record InvoicePageView(IReadOnlyList<InvoiceRowView> Rows, long? NextBefore, int PageSize)
{
    /// <summary>True when the oldest invoice ever is on this page (or there are none at all).</summary>
    public bool IsEnd => NextBefore is null;
}

/// <summary>One stat card: the formatted value and the raw invariant one for machines (data-value).</summary>
public sealed record StatCardView(string Label, string Value, string RawValue);

public sealed record StatCardsView(long LastInvoiceId, IReadOnlyList<StatCardView> Cards);

/// <summary>
/// The states the server renders. "Stopping" is not one of them: STOP commits before it answers,
/// so only the page shows it, while its own STOP request is in flight (dashboard.js).
/// </summary>
public enum DashboardState
{
    Idle,
    Running,
    ProcessingBacklog,

    /// <summary>This server has lost PostgreSQL (docs/ui-contract.md): shown until it is back, controls disabled.</summary>
    DatabaseUnavailable,
}

/// <summary>
/// What the status line and the buttons show for one viewer. A record, so equal states share one
/// rendering (the status frame cache is keyed by it) and a stream only sends a status that changed.
/// </summary>
public sealed record StatusView(
    DashboardState State,
    string Headline,
    string? Detail,
    int Produced,
    int Target,
    bool CanStart,
    bool CanStop);

/// <summary>The message shown after START or STOP.</summary>
public sealed record FlashView(string Message, bool IsError);

public sealed record DashboardPageView(
    StatusView Status,
    StatCardsView Cards,
    InvoicePageView Invoices,
    long After,
    string? Flash);

/// <summary>The explorer's count and sums of the filtered set, as of invoice <paramref name="AsOf"/> (newer ones are not in it).</summary>
public sealed record SummaryView(long AsOf, IReadOnlyList<StatCardView> Figures);

/// <summary>
/// The explorer page: the user's input as typed (shown back in the form), the validator's message per
/// field (q, seller, buyer, from, to, min, max, run, sort, dir, cursor), and, when the input is valid,
/// the first page of matches and the live stream's URL (null when the order is not newest first).
/// </summary>
public sealed record ExplorerView(
    InvoiceMvc.Web.Invoices.InvoiceFilterInput Input,
    IReadOnlyDictionary<string, string> Errors,
    ExplorerRowsView? Results,
    IReadOnlyList<string> Sellers,
    IReadOnlyList<string> Buyers,
    string Query,
    string? LiveUrl,
    string? CursorError)
{
    public bool IsValid => Errors.Count == 0 && CursorError is null;

    public string? Error(string field) => Errors.TryGetValue(field, out var message) ? message : null;
}

/// <summary>A page of explorer rows and what closes it: a loader for the next page (its URL) or the end.</summary>
public sealed record ExplorerRowsView(IReadOnlyList<InvoiceRowView> Rows, string? NextUrl, bool IsFirstPage, string Query)
{
    public bool IsEnd => NextUrl is null;
}
