namespace InvoiceMvc.Domain.Analytics;

/// <summary>Percentages of a whole that add up to exactly 100.0 as shown.</summary>
public static class Shares
{
    /// <summary>
    /// Each part's share of their sum in tenths of a percent, by the largest-remainder method: every
    /// share is first rounded down, then the tenths still missing from 100.0 go one each to the parts
    /// with the largest remainders (the earlier part on a tie). So the shares shown always sum to exactly
    /// 100.0 and none is off by more than 0.1 from its exact value. All zero when the parts sum to zero.
    /// </summary>
    public static decimal[] LargestRemainder(IReadOnlyList<decimal> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Any(p => p < 0m))
        {
            throw new ArgumentOutOfRangeException(nameof(parts), "Shares are of non-negative parts.");
        }

        var whole = parts.Sum();
        var shares = new decimal[parts.Count];
        if (whole == 0m)
        {
            return shares;
        }

        const int Units = 1000; // tenths of a percent
        var floors = new long[parts.Count];
        var remainders = new decimal[parts.Count];
        long given = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            var exact = parts[i] * Units / whole;
            floors[i] = (long)decimal.Floor(exact);
            remainders[i] = exact - floors[i];
            given += floors[i];
        }

        var order = Enumerable.Range(0, parts.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).ToArray();
        for (var k = 0; k < Units - given; k++)
        {
            floors[order[k]]++;
        }

        for (var i = 0; i < parts.Count; i++)
        {
            shares[i] = floors[i] / 10m;
        }

        return shares;
    }
}
