using Bogus;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>The random part of an invoice: who sold, who bought, and for how much.</summary>
public sealed record InvoiceDraft(string SellerName, string BuyerName, decimal Subtotal);

/// <summary>Bogus-made company names and subtotals between 5.00 and 5,000.00, skewed toward small orders as real shops are.</summary>
public sealed class InvoiceFaker
{
    public const decimal MinSubtotal = 5.00m;
    public const decimal MaxSubtotal = 5_000.00m;

    private readonly Faker _faker;
    private readonly Lock _gate = new();

    public InvoiceFaker(int? seed = null)
    {
        _faker = seed is { } s ? new Faker { Random = new Randomizer(s) } : new Faker();
    }

    public InvoiceDraft Next()
    {
        lock (_gate)
        {
            var seller = _faker.Company.CompanyName();
            string buyer;
            do
            {
                buyer = _faker.Company.CompanyName();
            }
            while (buyer == seller);

            // Squaring a uniform draw gives many small baskets and a long tail of large orders.
            var u = _faker.Random.Double();
            var cents = (long)Math.Round((double)(MinSubtotal * 100) + (u * u * (double)((MaxSubtotal - MinSubtotal) * 100)));
            return new InvoiceDraft(Truncate(seller), Truncate(buyer), cents / 100m);
        }
    }

    private static string Truncate(string name) => name.Length <= 255 ? name : name[..255];
}
