using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Web.Analytics;

public sealed record TotalsJson(long Count, decimal Subtotal, decimal Vat, decimal Total, decimal Average)
{
    public static TotalsJson From(PeriodTotals t) => new(t.Count, t.Subtotal, t.Vat, t.Total, t.Average);
}

public sealed record BucketJson(DateTimeOffset Start, long Count, decimal Subtotal, decimal Vat, decimal Total);

/// <summary>Growth in percent, one decimal; null ("n/a") when the previous period had none.</summary>
public sealed record GrowthJson(decimal? Count, decimal? Revenue, decimal? Average);

public sealed record PartyShareJson(string Name, long Count, decimal Total, decimal Share);

public sealed record AnomalyJson(DateTimeOffset Start, decimal Total, decimal MovingAverage, double Deviations, bool High);

/// <summary>
/// The analytics page's figures for integrations: every bucket of the range up to now (UTC starts, zeros
/// included, not downsampled), this period and the previous one of the same length, growth, the top 10
/// sellers and buyers by revenue with shares summing to exactly 100.0 with "others", the peak and the anomalies.
/// </summary>
public sealed record AnalyticsJson(
    DateOnly From,
    DateOnly To,
    string Bucket,
    long AsOf,
    IReadOnlyList<BucketJson> Buckets,
    TotalsJson Current,
    TotalsJson Previous,
    GrowthJson Growth,
    IReadOnlyList<PartyShareJson> TopSellers,
    PartyShareJson? OtherSellers,
    IReadOnlyList<PartyShareJson> TopBuyers,
    PartyShareJson? OtherBuyers,
    BucketJson? Peak,
    IReadOnlyList<AnomalyJson> Anomalies)
{
    public static AnalyticsJson Create(AnalyticsResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        static BucketJson Bucket(SeriesPoint p) => new(p.Start, p.Totals.Count, p.Totals.Subtotal, p.Totals.Vat, p.Totals.Total);
        static PartyShareJson Party(RankedParty p) => new(p.Name, p.Count, p.Total, p.Share);
        return new AnalyticsJson(r.Range.From, r.Range.To, Domain.Analytics.Buckets.Name(r.Bucket), r.AsOf,
            r.Points.Select(Bucket).ToArray(), TotalsJson.From(r.Current), TotalsJson.From(r.Previous),
            new GrowthJson(r.CountGrowth, r.RevenueGrowth, r.AverageGrowth),
            r.Sellers.Select(Party).ToArray(), r.OtherSellers is { } os ? Party(os) : null,
            r.Buyers.Select(Party).ToArray(), r.OtherBuyers is { } ob ? Party(ob) : null,
            r.Peak is { } p ? Bucket(r.Points[p]) : null,
            r.Anomalies.Select(a => new AnomalyJson(r.Points[a.Index].Start, a.Value, a.MovingAverage,
                double.IsPositiveInfinity(a.Deviations) ? double.MaxValue : Math.Round(a.Deviations, 2), a.IsHigh)).ToArray());
    }
}
