namespace InvoiceMvc.Domain.Invoices;

/// <summary>
/// One generated invoice. <see cref="Id"/> is the gapless sequence the number is formatted from,
/// so "the invoices after id N" is also "the invoices numbered after N".
/// </summary>
public sealed class Invoice
{
    public long Id { get; init; }
    public required string InvoiceNumber { get; init; }
    public long RunId { get; init; }
    public int Sequence { get; init; }
    public DateTimeOffset InvoiceDate { get; init; }
    public long SellerId { get; init; }
    public long BuyerId { get; init; }

    /// <summary>The seller party's name, kept on the invoice as issued (filled from the party by the database).</summary>
    public required string SellerName { get; init; }

    /// <summary>The buyer party's name, kept on the invoice as issued (filled from the party by the database).</summary>
    public required string BuyerName { get; init; }
    public decimal Subtotal { get; init; }
    public decimal VatRate { get; init; }
    public decimal VatAmount { get; init; }
    public decimal TotalAmount { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Invoice date (UTC day) + the payment terms.</summary>
    public DateOnly DueDate { get; init; }

    /// <summary>The sum of the invoice's payments, kept by the database (0 &lt;= paid &lt;= total, CHECKed).</summary>
    public decimal PaidAmount { get; init; }

    public DateTimeOffset? VoidedAt { get; init; }
    public string? VoidedBy { get; init; }
    public string? VoidReason { get; init; }

    /// <summary>Status and balance on <paramref name="today"/>: see <see cref="Lifecycle.InvoiceStanding.Of"/>.</summary>
    public Lifecycle.InvoiceStanding StandingOn(DateOnly today) =>
        Lifecycle.InvoiceStanding.Of(TotalAmount, PaidAmount, DueDate, VoidedAt is not null, today);
}
