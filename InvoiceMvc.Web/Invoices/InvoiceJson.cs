using System.Globalization;
using FluentValidation.Results;
using InvoiceMvc.Domain.Invoices;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// One invoice as the JSON API returns it. Money and the VAT rate are JSON numbers with the scale the
/// database stores (100.10, 0.1500): decimals, never doubles. Times are ISO 8601 in UTC ("Z").
/// </summary>
public sealed record InvoiceJson(
    long Id,
    string Number,
    DateTime InvoiceDate,
    string Seller,
    string Buyer,
    decimal Subtotal,
    decimal VatRate,
    decimal VatAmount,
    decimal Total,
    long RunId,
    DateTime CreatedAt,
    DateOnly DueDate,
    decimal Paid,
    decimal AmountDue,
    string Status,
    string Url,
    string PdfUrl)
{
    /// <summary>The invoice with its status and amount due on <paramref name="today"/> (status is the filter's key: open, partially-paid, paid, overdue, void).</summary>
    public static InvoiceJson From(Invoice invoice, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var standing = invoice.StandingOn(today);
        return new(invoice.Id, invoice.InvoiceNumber, invoice.InvoiceDate.UtcDateTime, invoice.SellerName, invoice.BuyerName,
            invoice.Subtotal, invoice.VatRate, invoice.VatAmount, invoice.TotalAmount, invoice.RunId, invoice.CreatedAt.UtcDateTime,
            invoice.DueDate, invoice.PaidAmount, standing.Balance, InvoiceLifecyclePages.StatusKey(standing.Status),
            $"/invoices/{invoice.InvoiceNumber}", $"/invoices/{invoice.InvoiceNumber}/pdf");
    }
}

/// <summary>A page of the API's list: the invoices in the filter's order, and the cursor of the next page (null after the last).</summary>
public sealed record InvoicePageJson(IReadOnlyList<InvoiceJson> Items, string? NextCursor)
{
    public static InvoicePageJson From(IReadOnlyList<Invoice> fetched, int size, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        // One more than the page was read: only then is there certainly a next page.
        var items = fetched.Take(size).Select(i => InvoiceJson.From(i, today)).ToList();
        return new(items, fetched.Count > size ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }
}

/// <summary>FluentValidation's answer as MVC model state, keyed by the query's field names (q, from, min, ...).</summary>
public static class FilterErrors
{
    public static ModelStateDictionary ToModelState(this ValidationResult result, ModelStateDictionary modelState)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(modelState);
        foreach (var error in result.Errors)
        {
            modelState.AddModelError(error.PropertyName, error.ErrorMessage);
        }

        return modelState;
    }
}
