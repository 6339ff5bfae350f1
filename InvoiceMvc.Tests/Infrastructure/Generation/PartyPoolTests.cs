using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Generation;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

public sealed class PartyPoolTests
{
    [Theory]
    [InlineData(PartyKind.Seller, 40)]
    [InlineData(PartyKind.Buyer, 2_000)]
    public void Names_AreTheSameEveryTime_Distinct_AndALargerCountExtendsTheSameList(PartyKind kind, int count)
    {
        var names = PartyPool.Names(kind, count);

        Assert.Equal(count, names.Count);
        Assert.Equal(count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(names, PartyPool.Names(kind, count));
        Assert.Equal(names, PartyPool.Names(kind, count + 10).Take(count));
        Assert.All(names, n => Assert.InRange(n.Length, 1, 255));
    }

    [Fact]
    public void Sellers_AndBuyers_AreDifferentLists()
    {
        Assert.NotEqual(PartyPool.Names(PartyKind.Seller, 5), PartyPool.Names(PartyKind.Buyer, 5));
    }

    [Fact]
    public void TheFaker_DrawsOnlyFromThePool_SkewedTowardTheFirstParties()
    {
        var sellers = Enumerable.Range(1, 40).Select(i => new Party { Id = i, Name = $"S{i}", Kind = PartyKind.Seller }).ToList();
        var buyers = Enumerable.Range(101, 2000).Select(i => new Party { Id = i, Name = $"B{i}", Kind = PartyKind.Buyer }).ToList();
        var pool = new PartyPoolSnapshot(sellers, buyers);
        var faker = new InvoiceFaker(seed: 7);

        var drafts = Enumerable.Range(0, 5_000).Select(_ => faker.Next(pool)).ToList();

        Assert.All(drafts, d => Assert.Contains(d.Seller, sellers));
        Assert.All(drafts, d => Assert.Contains(d.Buyer, buyers));
        Assert.All(drafts, d => Assert.InRange(d.Subtotal, InvoiceFaker.MinSubtotal, InvoiceFaker.MaxSubtotal));
        // Skewed: the first quarter of the sellers carries half of the invoices or more (uniform would give a quarter).
        Assert.True(drafts.Count(d => d.Seller.Id <= 10) >= drafts.Count / 2);
        Assert.True(drafts.Select(d => d.Seller.Id).Distinct().Count() > 30, "every part of the pool is used");
    }
}
