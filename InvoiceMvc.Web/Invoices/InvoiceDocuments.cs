using System.Globalization;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;
using Microsoft.AspNetCore.Http.Extensions;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// One invoice by its number, for the detail page, the PDF and the API: the number is parsed exactly
/// (InvoiceNumber.TryParse), so a malformed one is "no such invoice" like an unknown one, never an error.
/// </summary>
public sealed class InvoiceDocuments(InvoiceSearch search, DashboardFormatter formatter, InvoiceLifecyclePages lifecycle)
{
    /// <summary>The invoice with this number, or null when the number is malformed or unknown.</summary>
    public async Task<Invoice?> FindAsync(string? number, CancellationToken cancellationToken) =>
        InvoiceNumber.TryParse(number, out var id) ? await search.FindAsync(id, cancellationToken) : null;

    /// <summary>
    /// The detail page's content. Ids are gapless from 1, so the previous invoice is id - 1; the next one
    /// exists unless this is the newest (one primary-key lookup). <paramref name="back"/> is the explorer
    /// view the reader came from, kept on every link so "back" and previous/next return to it.
    /// <paramref name="access"/> and <paramref name="forms"/> decide which forms show, and how.
    /// </summary>
    public async Task<InvoiceDetailView> DetailAsync(Invoice invoice, IEnumerable<KeyValuePair<string, string>> back, LifecycleAccess access, LifecycleFormState forms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var hasNext = await search.FindAsync(invoice.Id + 1, cancellationToken) is not null;
        return View(invoice, hasNext, new QueryBuilder(back).ToQueryString().Value ?? "") with
        {
            Lifecycle = await lifecycle.LoadAsync(invoice.InvoiceNumber, access, forms, cancellationToken),
        };
    }

    /// <summary>The same fields for the PDF, which has no links.</summary>
    public InvoiceDetailView Document(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return View(invoice, hasNext: false, backQuery: "");
    }

    private InvoiceDetailView View(Invoice invoice, bool hasNext, string backQuery) => new(
        invoice.Id,
        invoice.InvoiceNumber,
        formatter.Date(invoice.InvoiceDate),
        Iso(invoice.InvoiceDate),
        invoice.SellerName,
        invoice.BuyerName,
        formatter.Money(invoice.Subtotal),
        formatter.Rate(invoice.VatRate),
        formatter.Money(invoice.VatAmount),
        formatter.Money(invoice.TotalAmount),
        invoice.RunId,
        formatter.Date(invoice.CreatedAt),
        Iso(invoice.CreatedAt),
        invoice.Id > 1 ? InvoiceNumber.Format(invoice.Id - 1) : null,
        hasNext ? InvoiceNumber.Format(invoice.Id + 1) : null,
        backQuery);

    /// <summary>ISO 8601 in UTC, to the microsecond PostgreSQL keeps, trailing zeros dropped: the export's and the API's form.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
}
