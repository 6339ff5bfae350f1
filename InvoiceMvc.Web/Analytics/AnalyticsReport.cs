using System.Globalization;
using FluentValidation;
using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;
using Microsoft.AspNetCore.Http.Extensions;

namespace InvoiceMvc.Web.Analytics;

/// <summary>
/// The analytics page's and API's one home: validate the input, read the rollups (one snapshot), and
/// work out the trend, growth, rankings, peak and anomalies with the pure Domain/Analytics rules; then
/// format them for the page or the stream. The controllers only bind and pick the result type.
/// </summary>
public sealed class AnalyticsReport(
    IValidator<AnalyticsInput> validator,
    AnalyticsQueries queries,
    DashboardFormatter formatter,
    TimeProvider time)
{
    /// <summary>The validator's messages by field (from, to, bucket); empty when the input is valid.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ErrorsAsync(AnalyticsInput input, CancellationToken cancellationToken)
    {
        var result = await validator.ValidateAsync(input, cancellationToken);
        return result.Errors.GroupBy(e => e.PropertyName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal)), StringComparer.Ordinal);
    }

    /// <summary>The figures of a valid input.</summary>
    public async Task<AnalyticsResult> ResultAsync(AnalyticsInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var range = input.ToRange(AnalyticsInputValidator.Today(time))!;
        var bucket = input.BucketFor(range);
        var data = await queries.ReadAsync(range, bucket, cancellationToken);

        var length = Buckets.Length(bucket);
        var slots = (int)((range.End - range.Start) / length);
        // Buckets up to the current one: the future has no zeros to draw yet.
        var end = Buckets.Floor(now, bucket) + length;
        var points = Trend.Fill(data.Buckets, range.Start, end < range.End ? end : range.End, bucket);
        // The current bucket is still filling: it is not judged against the moving average until it is complete.
        var complete = points.TakeWhile(p => p.Start + length <= now).Select(p => p.Totals.Total).ToArray();
        var (sellers, otherSellers) = PartyRanks.Rank(data.TopSellers, data.Current);
        var (buyers, otherBuyers) = PartyRanks.Rank(data.TopBuyers, data.Current);
        return new AnalyticsResult(range, bucket, points, slots, data.Current, data.Previous, sellers, otherSellers, buyers, otherBuyers,
            Trend.Peak(points), Anomalies.Detect(complete), data.AsOf, range.End > now);
    }

    /// <summary>The page for this input: messages when invalid, else the figures and the live URL.</summary>
    public async Task<AnalyticsPageView> PageAsync(AnalyticsInput input, CancellationToken cancellationToken)
    {
        var errors = await ErrorsAsync(input, cancellationToken);
        if (errors.Count > 0)
        {
            return new AnalyticsPageView(input, errors, null, null);
        }

        var result = await ResultAsync(input, cancellationToken);
        var live = result.IsLive ? "/events?" + StreamQuery(input, result.AsOf) : null;
        return new AnalyticsPageView(input, errors, Format(result), live);
    }

    /// <summary>The stream's query: the same input, marked as the analytics stream, with the invoice the page's figures are as of.</summary>
    public static string StreamQuery(AnalyticsInput input, long asOf) =>
        QueryString.Create(new KeyValuePair<string, string?>[] { new("analytics", "1") }
            .Concat(input.QueryPairs())
            .Append(new("after", asOf.ToString(CultureInfo.InvariantCulture)))).ToUriComponent().TrimStart('?');

    public AnalyticsFiguresView Format(AnalyticsResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var culture = formatter.Culture;
        var multiDay = r.Range.Days > 1;
        string Label(DateTimeOffset at) => r.Bucket switch
        {
            Bucket.Day => at.UtcDateTime.ToString("d", culture),
            _ when multiDay => at.UtcDateTime.ToString("d", culture) + " " + at.UtcDateTime.ToString("HH:mm", culture),
            _ => at.UtcDateTime.ToString("HH:mm", culture),
        };
        string Range(AnalyticsRange range) => range.Days == 1
            ? range.From.ToString("D", culture)
            : range.From.ToString("d", culture) + " – " + range.To.ToString("d", culture);

        var rangeLabel = Range(r.Range);
        var bucketName = Buckets.Name(r.Bucket);
        var anomalyAt = r.Anomalies.Select(a => a.Index).ToHashSet();
        var chart = AnalyticsChart.Build($"Revenue, VAT and invoices per {bucketName}, {rangeLabel} (UTC)", r.Points, r.Slots, r.Anomalies, r.Peak,
            Label, formatter.Money, formatter.Count, Buckets.Length(r.Bucket));
        // The table lists the buckets that have invoices: the rest are zeros, and a day has 1,440 minutes.
        var table = r.Points.Select((p, i) => (p, i)).Where(x => x.p.Totals.Count > 0)
            .Select(x => new BucketRowView(Label(x.p.Start), formatter.Count(x.p.Totals.Count), formatter.Money(x.p.Totals.Total),
                formatter.Money(x.p.Totals.Vat), anomalyAt.Contains(x.i), x.i == r.Peak))
            .ToArray();

        GrowthCardView Card(string label, string current, string previous, decimal? growth) => new(label, current, previous,
            growth is { } g ? (g > 0 ? "+" : "") + g.ToString("0.0", culture) + " %" : "n/a",
            growth switch { null => "na", > 0 => "up", < 0 => "down", _ => "flat" });
        var growthCards = new[]
        {
            Card("Invoices", formatter.Count(r.Current.Count), formatter.Count(r.Previous.Count), r.CountGrowth),
            Card("Revenue", formatter.Money(r.Current.Total), formatter.Money(r.Previous.Total), r.RevenueGrowth),
            Card("Average invoice", formatter.Money(r.Current.Average), formatter.Money(r.Previous.Average), r.AverageGrowth),
        };

        // The explorer's dates mean the same whole UTC days: its count and sums for the link equal the row's.
        var dates = "&from=" + r.Range.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "&to=" + r.Range.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        RankingView Ranking(string title, string id, string param, IReadOnlyList<RankedParty> top, RankedParty? others) => new(title, id,
            top.Select(p => Row(p, "/invoices?" + param + "=" + Uri.EscapeDataString(p.Name) + dates)).ToArray(),
            others is null ? null : Row(others, null));
        RankRowView Row(RankedParty p, string? href) => new(p.Name, href, formatter.Count(p.Count), formatter.Money(p.Total), p.Share.ToString("0.0", culture) + " %");

        var peak = r.Peak is { } pk
            ? $"{Label(r.Points[pk].Start)}: {formatter.Count(r.Points[pk].Totals.Count)} invoices, {formatter.Money(r.Points[pk].Totals.Total)}"
            : null;
        var anomalies = r.Anomalies.Select(a => new AnomalyView(Label(r.Points[a.Index].Start), formatter.Money(a.Value), formatter.Money(a.MovingAverage), a.IsHigh)).ToArray();

        return new AnalyticsFiguresView(rangeLabel, bucketName, r.Current.Count == 0, chart, table, growthCards, Range(r.Range.Previous),
            Ranking("Top sellers", "top-sellers", "seller", r.Sellers, r.OtherSellers),
            Ranking("Top buyers", "top-buyers", "buyer", r.Buyers, r.OtherBuyers),
            peak, anomalies, r.AsOf);
    }
}
