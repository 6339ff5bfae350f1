namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// One invoice as the detail page and the PDF show it: every field already formatted in the display
/// culture (DashboardFormatter), plus the machine-readable times for &lt;time datetime&gt;.
/// </summary>
public sealed record InvoiceDetailView(
    long Id,
    string Number,
    string InvoiceDate,
    string InvoiceDateIso,
    string Seller,
    string Buyer,
    string Subtotal,
    string VatRate,
    string Vat,
    string Total,
    long RunId,
    string CreatedAt,
    string CreatedAtIso,
    string? PreviousNumber,
    string? NextNumber,
    string BackQuery)
{
    /// <summary>Lines, standing, activity and forms: the detail page's, not the PDF's.</summary>
    public InvoiceLifecycleView? Lifecycle { get; init; }
}
