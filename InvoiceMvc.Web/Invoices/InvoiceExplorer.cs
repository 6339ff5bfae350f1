using FluentValidation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;
using Microsoft.AspNetCore.Http.Extensions;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The explorer page's reads: the filter validated (messages keyed by field for the form), one keyset
/// page of matches in the filter's order, the pick lists, the count and sums, and the live stream's URL.
/// One home for what the page shows, so the controller only binds and picks the view.
/// </summary>
public sealed class InvoiceExplorer(
    IValidator<InvoiceFilterInput> validator,
    InvoiceSearch search,
    PartyStore parties,
    Cursors cursors,
    DashboardFormatter formatter)
{
    public const int PageSize = 50;
    public const int PickListSize = 50;

    /// <summary>The page (or the page after <see cref="InvoiceFilterInput.Cursor"/>) for this input.</summary>
    public async Task<ExplorerView> PageAsync(InvoiceFilterInput input, CancellationToken cancellationToken)
    {
        var errors = await ErrorsAsync(input, cancellationToken);
        var sellers = await parties.NamesAsync(PartyKind.Seller, null, 200, cancellationToken);
        var buyers = await parties.NamesAsync(PartyKind.Buyer, InvoiceFilterInput.Blank(input.Buyer), PickListSize, cancellationToken);
        var query = Query(input);
        if (errors.Count > 0)
        {
            return new ExplorerView(input, errors, null, sellers, buyers, query, null, null);
        }

        var filter = input.ToFilter();
        // Read before the page: a matching invoice committed after this is either on the page or comes over the stream.
        var newest = input.CursorId is null && filter.IsNewestFirst
            ? (await cursors.CurrentAsync(cancellationToken)).Stats.LastInvoiceId
            : 0;
        var invoices = await search.PageAsync(filter, input.CursorId, PageSize, cancellationToken);
        if (invoices is null)
        {
            return new ExplorerView(input, errors, null, sellers, buyers, query, null,
                $"cursor={input.CursorId} is not an invoice id: there is no invoice {input.CursorId}.");
        }

        var rows = Rows(invoices, query, input.CursorId is null);
        string? live = null;
        if (input.CursorId is null && filter.IsNewestFirst)
        {
            var after = Math.Max(newest, invoices.Count > 0 ? invoices.Max(i => i.Id) : 0);
            live = "/events?" + StreamQuery(input, after);
        }

        return new ExplorerView(input, errors, rows, sellers, buyers, query, live, null);
    }

    /// <summary>The count and sums of everything the filter selects (null with the validator's messages when invalid).</summary>
    public async Task<(SummaryView? Summary, IReadOnlyDictionary<string, string[]> Errors)> SummaryAsync(InvoiceFilterInput input, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(input, cancellationToken);
        if (!result.IsValid)
        {
            return (null, result.Errors.GroupBy(e => e.PropertyName, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray(), StringComparer.Ordinal));
        }

        return (formatter.Summary(await search.SummaryAsync(input.ToFilter(), cancellationToken)), new Dictionary<string, string[]>());
    }

    public Task<IReadOnlyList<string>> NamesAsync(PartyKind kind, string? text, CancellationToken cancellationToken) =>
        parties.NamesAsync(kind, InvoiceFilterInput.Blank(text)?.Trim(), PickListSize, cancellationToken);

    /// <summary>The filter and order as a query string without "?" (blank values left out, no cursor).</summary>
    public static string Query(InvoiceFilterInput input) => QueryString.Create(input.QueryPairs().Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).ToUriComponent().TrimStart('?');

    /// <summary>
    /// The stream's query: the same filter, the order always spelled out (so the stream knows it serves
    /// the explorer even without a condition) and the cursor.
    /// </summary>
    public static string StreamQuery(InvoiceFilterInput input, long after)
    {
        var normalized = input with
        {
            Sort = InvoiceFilterInput.Blank(input.Sort) ?? "number",
            Dir = InvoiceFilterInput.Blank(input.Dir) ?? "desc",
        };
        var pairs = normalized.QueryPairs().Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))
            .Append(new("after", after.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return QueryString.Create(pairs).ToUriComponent().TrimStart('?');
    }

    private ExplorerRowsView Rows(IReadOnlyList<Invoice> invoices, string query, bool isFirstPage)
    {
        // A full page may have more after it; a short one is the end (an exactly full last page costs one empty request).
        string? next = invoices.Count < PageSize
            ? null
            : "/invoices?" + (query.Length > 0 ? query + "&" : "") + "cursor=" + invoices[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ExplorerRowsView(invoices.Select(i => formatter.Row(i)).ToList(), next, isFirstPage, query);
    }

    private async Task<IReadOnlyDictionary<string, string>> ErrorsAsync(InvoiceFilterInput input, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(input, cancellationToken);
        return result.Errors
            .GroupBy(e => e.PropertyName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal)), StringComparer.Ordinal);
    }
}
