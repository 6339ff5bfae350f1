using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Infrastructure.Persistence;

namespace InvoiceMvc.Web.Analytics;

/// <summary>A party in a ranking with its share of the range's revenue (largest-remainder, one decimal).</summary>
public sealed record RankedParty(string Name, long Count, decimal Total, decimal Share);

internal static class PartyRanks
{
    /// <summary>The top parties and "all others" with shares of <paramref name="whole"/> that sum to exactly 100.0.</summary>
    public static (IReadOnlyList<RankedParty> Top, RankedParty? Others) Rank(IReadOnlyList<PartyRank> top, PeriodTotals whole)
    {
        var othersCount = whole.Count - top.Sum(p => p.Count);
        var othersTotal = whole.Total - top.Sum(p => p.Total);
        var hasOthers = othersCount > 0 && othersTotal > 0;
        var parts = top.Select(p => p.Total).ToList();
        if (hasOthers)
        {
            parts.Add(othersTotal);
        }

        var shares = Shares.LargestRemainder(parts);
        var ranked = top.Select((p, i) => new RankedParty(p.Name, p.Count, p.Total, shares[i])).ToArray();
        return (ranked, hasOthers ? new RankedParty("All others", othersCount, othersTotal, shares[^1]) : null);
    }
}
