namespace InvoiceMvc.Web.Analytics;

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
