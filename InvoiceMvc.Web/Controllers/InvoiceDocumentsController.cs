using FluentValidation;
using InvoiceMvc.Web.Invoices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace InvoiceMvc.Web.Controllers;

/// <summary>
/// One invoice as a page and as a PDF, and the explorer's filtered set as a CSV file. An unknown or
/// malformed number is a bodiless 404, which the status-code pages turn into the friendly page for a
/// browser and problem details for a JSON client.
/// </summary>
public sealed class InvoiceDocumentsController(InvoiceDocuments documents, IValidator<InvoiceFilterInput> validator, TimeProvider clock) : Controller
{
    /// <summary>
    /// The detail page. The explorer's filter may come along in the query (the explorer links rows so):
    /// it is kept on "back to the explorer" and previous/next, and ignored when it is not valid.
    /// </summary>
    [HttpGet("/invoices/{number}")]
    public async Task<IActionResult> Detail(string number, [FromQuery] InvoiceFilterInput back, CancellationToken cancellationToken)
    {
        var invoice = await documents.FindAsync(number, cancellationToken);
        if (invoice is null)
        {
            return NotFound();
        }

        var keep = (await validator.ValidateAsync(back, cancellationToken)).IsValid ? back.QueryPairs() : [];
        var forms = LifecycleFormState.Fresh with { Flash = TempData["Flash"] as string };
        return View(await documents.DetailAsync(invoice, keep, InvoiceLifecycleController.AccessOf(User), forms, cancellationToken));
    }

    [HttpGet("/invoices/{number}/pdf")]
    public async Task<IActionResult> Pdf(string number, CancellationToken cancellationToken)
    {
        var invoice = await documents.FindAsync(number, cancellationToken);
        if (invoice is null)
        {
            return NotFound();
        }

        var view = documents.Document(invoice);
        // Inline: the browser shows it; its name is the invoice's when the reader saves it.
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("inline") { FileName = InvoicePdf.FileName(view) }.ToString();
        return File(InvoicePdf.Render(view, invoice.CreatedAt), "application/pdf");
    }

    /// <summary>Every invoice the explorer's filter selects, in its order, as CSV (a literal segment: it wins over {number}).</summary>
    [HttpGet("/invoices/export.csv")]
    public async Task<IActionResult> Export([FromQuery] InvoiceFilterInput filter, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(filter, cancellationToken);
        if (!validation.IsValid)
        {
            return ValidationProblem(detail: "The filter has errors; each is listed under its field.", modelStateDictionary: validation.ToModelState(ModelState));
        }

        return new InvoiceCsvResult(filter.ToFilter(), InvoiceCsv.FileName(clock.GetUtcNow()));
    }
}
