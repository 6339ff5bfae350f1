using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Web.Invoices;
using Microsoft.AspNetCore.Mvc;

namespace InvoiceMvc.Web.Analytics;

/// <summary>
/// The analytics page's range and bucket exactly as sent (strings, so the form can show the input back
/// beside its message): from and to are UTC days (yyyy-MM-dd, both included), bucket is minute, hour or
/// day. Blank from and to mean today; a blank bucket means what fits the range (<see cref="Buckets.Default"/>).
/// The page, its stream and the JSON API bind this one record.
/// </summary>
public sealed record AnalyticsInput
{
    [FromQuery(Name = "from")] public string? From { get; init; }
    [FromQuery(Name = "to")] public string? To { get; init; }
    [FromQuery(Name = "bucket")] public string? Bucket { get; init; }

    /// <summary>The days asked for, blanks filled in from <paramref name="today"/>; null when a date does not parse.</summary>
    public AnalyticsRange? ToRange(DateOnly today)
    {
        var from = InvoiceFilterInput.ParseDate(From);
        var to = InvoiceFilterInput.ParseDate(To);
        if ((Blank(From) is not null && from is null) || (Blank(To) is not null && to is null))
        {
            return null;
        }

        return (from, to) switch
        {
            (null, null) => new AnalyticsRange(today, today),
            ({ } f, null) => new AnalyticsRange(f, f > today ? f : today),
            (null, { } t) => new AnalyticsRange(t, t),
            ({ } f, { } t) => new AnalyticsRange(f, t),
        };
    }

    /// <summary>The bucket asked for, or the default for the range. Call only on input the validator accepted.</summary>
    public Bucket BucketFor(AnalyticsRange range) => Buckets.Parse(Blank(Bucket)) ?? Buckets.Default(range.Days);

    /// <summary>The same input as query-string pairs (blank ones left out).</summary>
    public IEnumerable<KeyValuePair<string, string?>> QueryPairs()
    {
        (string Name, string? Value)[] pairs = [("from", From), ("to", To), ("bucket", Bucket)];
        return pairs.Where(p => Blank(p.Value) is not null).Select(p => new KeyValuePair<string, string?>(p.Name, p.Value!.Trim()));
    }

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
