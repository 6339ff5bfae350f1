using System.Globalization;
using CsvHelper;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The export: a header row, every invoice in the filter's order, and a totals row (TOTAL, the count,
/// then the sums under subtotal, VAT, total, paid and amount due); status and amount due are each
/// invoice's on the day of the export. RFC 4180 (CsvHelper: CRLF, quotes doubled, fields with
/// separators quoted), invariant-culture numbers exactly as stored, ISO 8601 UTC times. Rows are
/// written as the database hands them over, so memory stays flat however many there are.
/// </summary>
public static class InvoiceCsv
{
    public static readonly IReadOnlyList<string> Header =
        ["invoice_number", "invoice_date", "seller", "buyer", "subtotal", "vat_rate", "vat_amount", "total_amount", "run_id", "created_at",
         "due_date", "paid_amount", "amount_due", "status"];

    public const string TotalsLabel = "TOTAL";

    /// <summary>
    /// RFC 4180 (CRLF, quotes only where needed, inner quotes doubled), UTF-8 without a byte order mark,
    /// invariant culture. A text cell that starts with = + - @, a tab or a CR, which a spreadsheet would run
    /// as a formula, gets a leading single quote and quotes (OWASP's CSV injection rule); numbers are
    /// written as numbers and never changed (they are all positive anyway).
    /// </summary>
    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };

    /// <summary>Writes the whole export to <paramref name="body"/>; returns what the totals row says.</summary>
    public static async Task<InvoiceSummary> WriteAsync(Stream body, IAsyncEnumerable<Invoice> invoices, DateOnly today, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoices);
        // Every write that reaches the body is async (EndRecordAsync, FlushAsync, DisposeAsync): Kestrel refuses
        // synchronous I/O, and the writer hands its 64 KiB buffer to the body whenever it is mostly full.
        await using var csv = CsvWriter.Create(body, Options, leaveOpen: true);
        foreach (var name in Header)
        {
            csv.WriteField(name);
        }

        await csv.EndRecordAsync(cancellationToken);
        var summary = InvoiceSummary.None;
        var (paid, due) = (0m, 0m);
        await foreach (var i in invoices.WithCancellation(cancellationToken))
        {
            csv.WriteField(i.InvoiceNumber);
            csv.WriteField(InvoiceDocuments.Iso(i.InvoiceDate));
            csv.WriteField(i.SellerName);
            csv.WriteField(i.BuyerName);
            csv.WriteField(Number(i.Subtotal));
            csv.WriteField(Number(i.VatRate));
            csv.WriteField(Number(i.VatAmount));
            csv.WriteField(Number(i.TotalAmount));
            csv.WriteField(i.RunId.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(InvoiceDocuments.Iso(i.CreatedAt));
            var standing = i.StandingOn(today);
            csv.WriteField(i.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            csv.WriteField(Number(i.PaidAmount));
            csv.WriteField(Number(standing.Balance));
            (paid, due) = (paid + i.PaidAmount, due + standing.Balance);
            csv.WriteField(InvoiceLifecyclePages.StatusKey(standing.Status));
            await csv.EndRecordAsync(cancellationToken);
            // Counted as written (not With: the filter's order need not be id order).
            summary = new InvoiceSummary(summary.Count + 1, summary.Subtotal + i.Subtotal, summary.Vat + i.VatAmount,
                summary.Total + i.TotalAmount, Math.Max(summary.LastInvoiceId, i.Id));
        }

        string[] totals =
        [
            TotalsLabel, summary.Count.ToString(CultureInfo.InvariantCulture), "", "",
            Number(summary.Subtotal), "", Number(summary.Vat), Number(summary.Total), "", "", "", Number(paid), Number(due), "",
        ];
        foreach (var cell in totals)
        {
            csv.WriteField(cell);
        }

        await csv.EndRecordAsync(cancellationToken);
        await csv.FlushAsync(cancellationToken);
        return summary;
    }

    /// <summary>invoices-2026-12-02.csv: the day (UTC) it was taken.</summary>
    public static string FileName(DateTimeOffset now) => $"invoices-{now.UtcDateTime:yyyy-MM-dd}.csv";

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The export as an action result: streamed straight from the database to the response body.</summary>
public sealed class InvoiceCsvResult(InvoiceFilter filter, string fileName) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        var search = http.RequestServices.GetRequiredService<InvoiceSearch>();
        // Nothing between here and the socket may hold the whole file (response buffering, compression).
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "text/csv; charset=utf-8; header=present";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        http.Response.Headers.CacheControl = "no-store";
        var today = http.RequestServices.GetRequiredService<LifecycleClock>().Today;
        await InvoiceCsv.WriteAsync(http.Response.Body, search.AllAsync(filter, http.RequestAborted), today, http.RequestAborted);
    }
}
