using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Infrastructure.Persistence;

namespace InvoiceMvc.Web.Analytics;

/// <summary>A party in a ranking with its share of the range's revenue (largest-remainder, one decimal).</summary>
public sealed record RankedParty(string Name, long Count, decimal Total, decimal Share);

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

public sealed record GrowthCardView(string Label, string Current, string Previous, string Growth, string Direction);

public sealed record RankRowView(string Name, string? Href, string Count, string Total, string Share);

public sealed record RankingView(string Title, string Id, IReadOnlyList<RankRowView> Rows, RankRowView? Others);

public sealed record BucketRowView(string Start, string Count, string Revenue, string Vat, bool IsAnomaly, bool IsPeak);

public sealed record AnomalyView(string At, string Value, string MovingAverage, bool IsHigh);

/// <summary>What the analytics page shows of one valid input, formatted for the display culture.</summary>
public sealed record AnalyticsFiguresView(
    string RangeLabel,
    string BucketName,
    bool IsEmpty,
    ChartView Chart,
    IReadOnlyList<BucketRowView> Table,
    IReadOnlyList<GrowthCardView> Growth,
    string PreviousLabel,
    RankingView Sellers,
    RankingView Buyers,
    string? Peak,
    IReadOnlyList<AnomalyView> Anomalies,
    long AsOf);

/// <summary>
/// The analytics page: the input as typed (shown back in the form), the validator's message per field
/// (from, to, bucket), and for a valid input its figures and, when the range reaches the present, the
/// live stream's URL.
/// </summary>
public sealed record AnalyticsPageView(
    AnalyticsInput Input,
    IReadOnlyDictionary<string, string> Errors,
    AnalyticsFiguresView? Figures,
    string? LiveUrl)
{
    public bool IsValid => Errors.Count == 0;

    public string? Error(string field) => Errors.GetValueOrDefault(field);
}

/// <summary>The partials the live stream renders (the same ones the page includes).</summary>
public static class AnalyticsPartials
{
    public const string Chart = "~/Views/Analytics/_Chart.cshtml";
    public const string Table = "~/Views/Analytics/_DataTable.cshtml";
    public const string Figures = "~/Views/Analytics/_Figures.cshtml";
}

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
