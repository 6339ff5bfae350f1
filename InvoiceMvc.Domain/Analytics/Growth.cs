namespace InvoiceMvc.Domain.Analytics;

/// <summary>This period against the previous one of the same length.</summary>
public static class Growth
{
    /// <summary>
    /// (current - previous) / previous x 100, rounded to one decimal half away from zero; null ("n/a")
    /// when the previous is zero, since no finite percentage describes growth from nothing.
    /// </summary>
    public static decimal? Percent(decimal current, decimal previous) =>
        previous == 0m ? null : Math.Round((current - previous) / previous * 100m, 1, MidpointRounding.AwayFromZero);
}
