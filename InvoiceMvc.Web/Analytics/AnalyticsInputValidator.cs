using FluentValidation;
using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Web.Invoices;
using static InvoiceMvc.Web.Analytics.AnalyticsInput;

namespace InvoiceMvc.Web.Analytics;

/// <summary>
/// The rules of the analytics range and bucket, for the page (messages beside the fields), its stream
/// and the API (400 problem details keyed by from, to, bucket). A bucket may cover only so many days
/// (<see cref="Buckets.MaxDays"/>), so no chart needs more than a few thousand rollup rows.
/// </summary>
public sealed class AnalyticsInputValidator : AbstractValidator<AnalyticsInput>
{
    public AnalyticsInputValidator(TimeProvider time)
    {
        DayRangeRules.Add(this, x => x.From, x => x.To);
        RuleFor(x => x.Bucket).Must(v => Blank(v) is null || Buckets.Parse(Blank(v)) is not null).OverridePropertyName("bucket")
            .WithMessage("Bucket must be minute, hour or day.");
        RuleFor(x => x.Bucket).Must((x, _) => Fits(x, time)).OverridePropertyName("bucket")
            .When(x => Buckets.Parse(Blank(x.Bucket)) is not null || Blank(x.Bucket) is null)
            .WithMessage(x => TooLong(x, time));
    }

    private static bool Fits(AnalyticsInput input, TimeProvider time)
    {
        var range = input.ToRange(Today(time));
        return range is null || range.To < range.From || range.Days <= Buckets.MaxDays(input.BucketFor(range));
    }

    private static string TooLong(AnalyticsInput input, TimeProvider time)
    {
        var bucket = input.BucketFor(input.ToRange(Today(time))!);
        return bucket == Bucket.Day
            ? "A range can cover at most " + Buckets.MaxDays(Bucket.Day).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " days."
            : $"{char.ToUpperInvariant(Buckets.Name(bucket)[0])}{Buckets.Name(bucket)[1..]} buckets cover at most {Days(Buckets.MaxDays(bucket))}: choose a shorter range or a larger bucket.";
    }

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";

    internal static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
