using System.Net;
using System.Net.Http.Headers;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Operations;

/// <summary>/metrics answers only the scraper holding Metrics:BearerToken; health stays open.</summary>
public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Metrics_WantTheConfiguredBearerToken_HealthStaysOpen()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = app.CreateClient();

        var anonymous = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain("invoicemvc_", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(client, "Bearer", AppFactory.MetricsToken + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(client, "Bearer", "wrong-token-of-some-length")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ScrapeAsync(client, "Basic", AppFactory.MetricsToken)).StatusCode);

        var scraped = await ScrapeAsync(client, "Bearer", AppFactory.MetricsToken);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("invoicemvc_invoices_generated_total", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Metrics_WithoutAToken_AreOpenInTesting()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["Metrics:BearerToken"] = "" });

        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task StartUp_InProduction_RefusesWithoutAToken_NamingTheKey()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["Metrics:BearerToken"] = "" });
        app.Environment = "Production";

        var message = StartupValidationTests.Flatten(Assert.ThrowsAny<Exception>(() => app.CreateClient()));

        Assert.Contains("Metrics:BearerToken is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartUp_RefusesAShortToken()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["Metrics:BearerToken"] = "short" });

        var message = StartupValidationTests.Flatten(Assert.ThrowsAny<Exception>(() => app.CreateClient()));

        Assert.Contains("Metrics:BearerToken must be at least 16 characters", message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> ScrapeAsync(HttpClient client, string scheme, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        return await client.SendAsync(request);
    }
}
