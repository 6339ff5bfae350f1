namespace InvoiceMvc.Domain.Invoices;

/// <summary>Which side of a sale a party is on. A name is unique per kind.</summary>
public enum PartyKind : short
{
    Seller = 1,
    Buyer = 2,
}

/// <summary>A seller or buyer of the marketplace; invoices reference their parties by id.</summary>
public sealed class Party
{
    public long Id { get; init; }
    public required string Name { get; init; }
    public PartyKind Kind { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
