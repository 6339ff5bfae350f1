using System.Globalization;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The explorer's filter exactly as a browser or a client sends it (query string, every value a
/// string), so nothing is lost before <see cref="InvoiceFilterValidator"/> has said what is wrong
/// with it: the page shows the user's own input back beside each message. The page, the stream, the
/// export and the API all bind this one record. Names are the query's: q, seller, buyer, from, to,
/// min, max, run, status, sort, dir, cursor.
/// </summary>
public sealed record InvoiceFilterInput
{
    public const int MaxTextLength = 200;
    public const int MaxNameLength = 255;

    public static readonly IReadOnlyList<string> SortNames = ["number", "date", "seller", "buyer", "subtotal", "vat", "total"];

    /// <summary>The status filter's values: each status's key (open, partially-paid, paid, overdue, void), in the enum's order.</summary>
    public static readonly IReadOnlyDictionary<string, InvoiceStatus> Statuses =
        Enum.GetValues<InvoiceStatus>().ToDictionary(InvoiceLifecyclePages.StatusKey, s => s, StringComparer.Ordinal);

    [FromQuery(Name = "q")] public string? Q { get; init; }
    [FromQuery(Name = "seller")] public string? Seller { get; init; }
    [FromQuery(Name = "buyer")] public string? Buyer { get; init; }
    [FromQuery(Name = "from")] public string? From { get; init; }
    [FromQuery(Name = "to")] public string? To { get; init; }
    [FromQuery(Name = "min")] public string? Min { get; init; }
    [FromQuery(Name = "max")] public string? Max { get; init; }
    [FromQuery(Name = "run")] public string? Run { get; init; }
    [FromQuery(Name = "status")] public string? Status { get; init; }
    [FromQuery(Name = "sort")] public string? Sort { get; init; }
    [FromQuery(Name = "dir")] public string? Dir { get; init; }

    /// <summary>Keyset paging: the id of the last invoice the reader has (blank = the first page).</summary>
    [FromQuery(Name = "cursor")] public string? Cursor { get; init; }

    /// <summary>Any condition given (the order alone does not count)?</summary>
    public bool HasConditions => Blank(Q) is not null || Blank(Seller) is not null || Blank(Buyer) is not null
        || Blank(From) is not null || Blank(To) is not null || Blank(Min) is not null || Blank(Max) is not null || Blank(Run) is not null || Blank(Status) is not null;

    /// <summary>The typed filter. Call only on input the validator accepted.</summary>
    public InvoiceFilter ToFilter() => new()
    {
        Text = Blank(Q)?.Trim(),
        Seller = Blank(Seller)?.Trim(),
        Buyer = Blank(Buyer)?.Trim(),
        From = ParseDate(From),
        To = ParseDate(To),
        MinTotal = ParseAmount(Min),
        MaxTotal = ParseAmount(Max),
        RunId = ParseId(Run),
        Status = Blank(Status) is { } status ? Statuses[status.Trim()] : null,
        Sort = Blank(Sort) is { } sort ? Enum.Parse<InvoiceSort>(sort, ignoreCase: true) : InvoiceSort.Number,
        Descending = !string.Equals(Blank(Dir), "asc", StringComparison.Ordinal),
    };

    /// <summary>The cursor as an invoice id (null = first page). Call only on input the validator accepted.</summary>
    public long? CursorId => ParseId(Cursor);

    /// <summary>The same filter and order as query-string pairs (blank ones left out), e.g. for links and the export.</summary>
    public IEnumerable<KeyValuePair<string, string>> QueryPairs(bool withCursor = false)
    {
        (string Name, string? Value)[] pairs =
            [("q", Q), ("seller", Seller), ("buyer", Buyer), ("from", From), ("to", To), ("min", Min), ("max", Max), ("run", Run), ("status", Status), ("sort", Sort), ("dir", Dir)];
        foreach (var (name, value) in pairs)
        {
            if (Blank(value) is { } v)
            {
                yield return new(name, v);
            }
        }

        if (withCursor && Blank(Cursor) is { } cursor)
        {
            yield return new("cursor", cursor);
        }
    }

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    internal static DateOnly? ParseDate(string? value) =>
        Blank(value) is { } v && DateOnly.TryParseExact(v.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    internal static decimal? ParseAmount(string? value) =>
        Blank(value) is { } v && decimal.TryParse(v.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a) ? a : null;

    internal static long? ParseId(string? value) =>
        Blank(value) is { } v && long.TryParse(v.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
