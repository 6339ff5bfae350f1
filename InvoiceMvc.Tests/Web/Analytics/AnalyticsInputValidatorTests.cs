using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Web.Analytics;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Web.Analytics;

public sealed class AnalyticsInputValidatorTests
{
    private readonly AnalyticsInputValidator _validator = new(new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero)));

    private Dictionary<string, string> Errors(string? from, string? to, string? bucket) =>
        _validator.Validate(new AnalyticsInput { From = from, To = to, Bucket = bucket }).Errors
            .GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.ErrorMessage)));

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("2026-12-02", "2026-12-02", "minute")]
    [InlineData("2026-09-01", "2026-12-01", "hour")]   // 92 days
    [InlineData("2020-01-01", "2026-12-31", null)]     // day buckets by default
    [InlineData(" 2026-12-02 ", "", "")]
    public void ValidInput_HasNoMessages(string? from, string? to, string? bucket) => Assert.Empty(Errors(from, to, bucket));

    [Theory]
    [InlineData("2026-13-01", null, null, "from", "From must be a date like 2026-12-31.")]
    [InlineData(null, "yesterday", null, "to", "To must be a date like 2026-12-31.")]
    [InlineData("2026-12-02", "2026-12-01", null, "to", "To must be on or after From.")]
    [InlineData(null, null, "week", "bucket", "Bucket must be minute, hour or day.")]
    [InlineData("2026-11-01", "2026-11-02", "minute", "bucket", "Minute buckets cover at most 1 day: choose a shorter range or a larger bucket.")]
    [InlineData("2026-01-01", "2026-12-01", "hour", "bucket", "Hour buckets cover at most 92 days: choose a shorter range or a larger bucket.")]
    [InlineData("1990-01-01", "2026-12-01", "day", "bucket", "A range can cover at most 3,660 days.")]
    public void BadInput_HasAMessageForItsField(string? from, string? to, string? bucket, string field, string message)
    {
        var errors = Errors(from, to, bucket);
        Assert.Equal(message, Assert.Single(errors, e => e.Key == field).Value);
    }

    [Fact]
    public void BlankDates_MeanToday_AndAFromAloneRunsToToday()
    {
        var today = new DateOnly(2026, 12, 2);
        Assert.Equal(new AnalyticsRange(today, today), new AnalyticsInput().ToRange(today));
        Assert.Equal(new AnalyticsRange(new DateOnly(2026, 11, 30), today), new AnalyticsInput { From = "2026-11-30" }.ToRange(today));
        Assert.Equal(Bucket.Hour, new AnalyticsInput { From = "2026-11-30" }.BucketFor(new(new DateOnly(2026, 11, 30), today)));
    }
}
