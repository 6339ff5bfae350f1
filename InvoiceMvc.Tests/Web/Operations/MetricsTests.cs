using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Web.Operations;

public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_ExposeTheNamedSeries_AndTheyMoveDuringARun()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var app = new AppFactory(db, redis.ConnectionString, "metrics:", new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "50",
            ["Generation:DurationSeconds"] = "2",
        });
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var before = await ScrapeAsync(client);
        Assert.StartsWith("text/plain", before.ContentType, StringComparison.Ordinal);
        // Counters are exported at 0 from start-up; a histogram's series appears at its first measurement.
        Assert.Equal(0, ValueOrZero(before.Body, "invoicemvc_invoices_generated_total"));
        Assert.Equal(0, ValueOrZero(before.Body, "invoicemvc_generator_lag_seconds_count"));

        Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", token)).StatusCode);
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") == 100, TimeSpan.FromSeconds(20), "100 invoices committed");
        var after = await Eventually.ValueAsync(() => ScrapeAsync(client),
            m => ValueOrZero(m.Body, "invoicemvc_invoices_generated_total") == 100, TimeSpan.FromSeconds(20), "100 invoices counted");

        // A .NET counter is a Prometheus counter (rate() and increase() work on it), not a gauge.
        Assert.Matches(TypeLine("invoicemvc_invoices_generated_total", "counter"), after.Body);
        Assert.Matches(TypeLine("invoicemvc_stats_redis_fallbacks_total", "counter"), after.Body);
        Assert.DoesNotMatch(TypeLine("invoicemvc_invoices_generated", "gauge"), after.Body);
        Assert.Matches(TypeLine("invoicemvc_generator_lag_seconds", "histogram"), after.Body);
        Assert.Equal(100, Value(after.Body, "invoicemvc_generator_lag_seconds_count"));
        // Every invoice landed in a bucket, and each one is committed after its due time, so the lags add up to more than nothing.
        Assert.Equal(100, Value(after.Body, "invoicemvc_generator_lag_seconds_bucket{le=\"+Inf\"}"));
        Assert.True(Value(after.Body, "invoicemvc_generator_lag_seconds_sum") > 0, "the lags were recorded as zeros");
        // The dashboard's instruments, named once (<meter>_<instrument>): an open stream counts, a closed one no longer.
        using (var stream = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            var open = await ScrapeAsync(client);
            Assert.Equal(1, Value(open.Body, "invoicemvc_dashboard_open_streams"));
            Assert.DoesNotContain("invoicemvc_dashboard_invoicemvc", open.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(EventsController, open.Body, StringComparison.Ordinal);
        }

        var closed = await Eventually.ValueAsync(() => ScrapeAsync(client), m => Value(m.Body, "invoicemvc_dashboard_open_streams") == 0, TimeSpan.FromSeconds(10), "the stream closed");
        // Streams stay out of the HTTP request metrics, open (in progress) and closed (a duration) alike.
        Assert.DoesNotContain(EventsController, closed.Body, StringComparison.Ordinal);
        // The start request (and the scrapes) are timed per route by prometheus-net's HTTP middleware.
        Assert.Matches(RequestDurationForStart(), after.Body);

        // Redis down: the dashboard's stats read falls back to PostgreSQL, and the fallback is counted.
        var fallbacksBefore = Value(after.Body, "invoicemvc_stats_redis_fallbacks_total");
        await redis.StopAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        var fallbacksAfter = Value((await ScrapeAsync(client)).Body, "invoicemvc_stats_redis_fallbacks_total");
        Assert.True(fallbacksAfter > fallbacksBefore, $"fallbacks {fallbacksBefore} -> {fallbacksAfter}");
    }

    [Fact]
    public async Task Metrics_ExportEveryInvoiceMvcMeterOfThisApp_AndNothingOfAnotherApp()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        await using var other = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["Hangfire:ServerEnabled"] = "false" });
        var client = app.CreateClient();
        var otherClient = other.CreateClient();

        // The dashboard's instruments live on meter "InvoiceMvc.Dashboard": a sibling meter must be exported too.
        using var mine = app.Services.GetRequiredService<IMeterFactory>().Create("InvoiceMvc.Dashboard");
        mine.CreateCounter<long>("probe_events").Add(3);
        using var foreign = app.Services.GetRequiredService<IMeterFactory>().Create("SomeLibrary");
        foreign.CreateCounter<long>("probe_events").Add(5);
        using var theirs = other.Services.GetRequiredService<IMeterFactory>().Create("InvoiceMvc.Dashboard");
        theirs.CreateCounter<long>("probe_events").Add(7);

        var body = (await ScrapeAsync(client)).Body;
        Assert.Equal(3, Value(body, "invoicemvc_dashboard_probe_events_total"));
        Assert.DoesNotContain("somelibrary_", body, StringComparison.Ordinal);
        Assert.Equal(7, Value((await ScrapeAsync(otherClient)).Body, "invoicemvc_dashboard_probe_events_total"));
    }

    private static async Task<(string ContentType, string Body)> ScrapeAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AppFactory.MetricsToken);
        var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync());
    }

    private const string EventsController = "controller=\"Events\"";

    private static Regex TypeLine(string family, string type) => new($"^# TYPE {Regex.Escape(family)} {type}$", RegexOptions.Multiline);

    private static double ValueOrZero(string exposition, string series) =>
        Regex.IsMatch(exposition, $@"^{Regex.Escape(series)}[ {{]", RegexOptions.Multiline) ? Value(exposition, series) : 0;

    /// <summary>The value of an unlabelled series; fails when the series is not exported at all.</summary>
    private static double Value(string exposition, string series)
    {
        var match = Regex.Match(exposition, $@"^{Regex.Escape(series)}(?:\{{[^}}]*\}})? (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"series {series} not exported:\n{exposition}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^http_request_duration_seconds_count\{[^}]*controller=""Generation"",action=""Start""[^}]*\} [1-9]", RegexOptions.Multiline)]
    private static partial Regex RequestDurationForStart();
}
