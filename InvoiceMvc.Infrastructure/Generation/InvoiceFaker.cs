using Bogus;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>The random part of an invoice: who sold, who bought, what, and for how much (the lines sum to the subtotal).</summary>
public sealed record InvoiceDraft(Party Seller, Party Buyer, decimal Subtotal, IReadOnlyList<LineItem> Lines);

/// <summary>
/// Draws a seller and a buyer from the <see cref="PartyPool"/> and a subtotal between 5.00 and
/// 5,000.00. All three are skewed as a marketplace is: a few sellers and buyers carry much of the
/// trade, and most baskets are small with a long tail of large orders. The lines (1-5 Bogus commerce
/// products) come from <see cref="LineSplit"/>, so they sum exactly to the subtotal.
/// </summary>
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

    public InvoiceDraft Next(PartyPoolSnapshot pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        lock (_gate)
        {
            var seller = pool.Sellers[Skewed(pool.Sellers.Count, 2.0)];
            var buyer = pool.Buyers[Skewed(pool.Buyers.Count, 1.5)];

            // Squaring a uniform draw gives many small baskets and a long tail of large orders.
            var u = _faker.Random.Double();
            var cents = (long)Math.Round((double)(MinSubtotal * 100) + (u * u * (double)((MaxSubtotal - MinSubtotal) * 100)));
            var subtotal = cents / 100m;
            var lines = LineSplit.Split(subtotal, (min, maxExclusive) => _faker.Random.Number(min, maxExclusive - 1), _ => _faker.Commerce.ProductName());
            return new InvoiceDraft(seller, buyer, subtotal, lines);
        }
    }

    // An index in 0..count-1, low indexes more likely the larger the power (1 = uniform).
    private int Skewed(int count, double power) =>
        Math.Min(count - 1, (int)(Math.Pow(_faker.Random.Double(), power) * count));
}
