namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>Where an invoice stands; derived by <see cref="InvoiceStanding.Of"/>, never stored.</summary>
public enum InvoiceStatus
{
    Open = 0,
    PartiallyPaid = 1,
    Paid = 2,
    Overdue = 3,
    Void = 4,
}
