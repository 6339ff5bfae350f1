namespace InvoiceMvc.Domain.Invoices;

/// <summary>The columns a list of invoices can be ordered by; ties are always broken by id (the number).</summary>
public enum InvoiceSort
{
    Number,
    Date,
    Seller,
    Buyer,
    Subtotal,
    Vat,
    Total,
}
