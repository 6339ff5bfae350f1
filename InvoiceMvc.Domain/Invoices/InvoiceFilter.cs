namespace InvoiceMvc.Domain.Invoices;

/// <summary>
/// Which invoices a list shows and in what order: the one meaning of the explorer's filter, shared
/// by the page, the stream, the export and the API. <see cref="Matches"/> is the rule the SQL of the
/// search restates (tests hold them equal): <see cref="Text"/> is a case-insensitive "contains" over
/// the number, the seller and the buyer; <see cref="Seller"/> and <see cref="Buyer"/> are exact party
/// names; <see cref="From"/> and <see cref="To"/> are inclusive UTC days of the invoice date;
/// <see cref="MinTotal"/> and <see cref="MaxTotal"/> bound the total, inclusive; <see cref="Status"/>
/// is the invoice's status on the day the list is read (<see cref="Lifecycle.InvoiceStanding.Of"/>).
/// </summary>
public sealed record InvoiceFilter
{
    public static readonly InvoiceFilter All = new();

    public string? Text { get; init; }
    public string? Seller { get; init; }
    public string? Buyer { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public decimal? MinTotal { get; init; }
    public decimal? MaxTotal { get; init; }
    public long? RunId { get; init; }
    public Lifecycle.InvoiceStatus? Status { get; init; }
    public InvoiceSort Sort { get; init; } = InvoiceSort.Number;
    public bool Descending { get; init; } = true;

    /// <summary>No condition at all (the order does not count): every invoice matches.</summary>
    public bool SelectsAll => Text is null && Seller is null && Buyer is null && From is null && To is null
        && MinTotal is null && MaxTotal is null && RunId is null && Status is null;

    /// <summary>Newest first: new invoices belong at the top, so a live list can show them as they come.</summary>
    public bool IsNewestFirst => Descending && Sort is InvoiceSort.Number or InvoiceSort.Date;

    /// <summary>Does <paramref name="invoice"/> belong to the list read on <paramref name="today"/>?</summary>
    public bool Matches(Invoice invoice, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var day = DateOnly.FromDateTime(invoice.InvoiceDate.UtcDateTime);
        return (Text is null
                || invoice.InvoiceNumber.Contains(Text, StringComparison.OrdinalIgnoreCase)
                || invoice.SellerName.Contains(Text, StringComparison.OrdinalIgnoreCase)
                || invoice.BuyerName.Contains(Text, StringComparison.OrdinalIgnoreCase))
            && (Seller is null || string.Equals(invoice.SellerName, Seller, StringComparison.Ordinal))
            && (Buyer is null || string.Equals(invoice.BuyerName, Buyer, StringComparison.Ordinal))
            && (From is null || day >= From)
            && (To is null || day <= To)
            && (MinTotal is null || invoice.TotalAmount >= MinTotal)
            && (MaxTotal is null || invoice.TotalAmount <= MaxTotal)
            && (RunId is null || invoice.RunId == RunId)
            && (Status is null || invoice.StandingOn(today).Status == Status);
    }
}
