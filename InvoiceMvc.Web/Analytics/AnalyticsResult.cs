using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Web.Analytics;

/// <summary>
/// The figures of one range and bucket, unformatted: the buckets so far (zeros included), growth
/// against the previous period, the top sellers and buyers with "all others", the peak and the
/// anomalies. The page and the JSON API both format this one result.
/// </summary>
public sealed record AnalyticsResult(
    AnalyticsRange Range,
    Bucket Bucket,
    IReadOnlyList<SeriesPoint> Points,
    int Slots,
    PeriodTotals Current,
    PeriodTotals Previous,
    IReadOnlyList<RankedParty> Sellers,
    RankedParty? OtherSellers,
    IReadOnlyList<RankedParty> Buyers,
    RankedParty? OtherBuyers,
    int? Peak,
    IReadOnlyList<Anomaly> Anomalies,
    long AsOf,
    bool IsLive)
{
    public decimal? CountGrowth => Growth.Percent(Current.Count, Previous.Count);
    public decimal? RevenueGrowth => Growth.Percent(Current.Total, Previous.Total);
    public decimal? AverageGrowth => Growth.Percent(Current.Average, Previous.Average);
}
