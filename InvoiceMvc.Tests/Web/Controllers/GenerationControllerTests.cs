using System.Net;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Controllers;

/// <summary>
/// START and STOP over HTTP. The tests that check only the database share one app (AppFactory's
/// default 50/s for 2 s); those that read the run's state back from the page, or need a run that
/// outlasts the test, start their own.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class GenerationControllerTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    public Task InitializeAsync() => shared.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Start_ProducesExactlyTheTargetCount_AndCompletes()
    {
        var db = shared.Database;
        using var client = shared.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var response = await AntiforgeryClient.PostFormAsync(client, "/generation/start", token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3,
            TimeSpan.FromSeconds(20), "the run completes");
        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT invoice_count FROM invoice_stats"));
    }

    [Theory]
    [InlineData("/generation/start")]
    [InlineData("/generation/stop")]
    public async Task Controls_ReturnBadRequest_WithoutAntiforgeryToken(string path)
    {
        var db = shared.Database;
        using var client = shared.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);

        var response = await client.PostAsync(path, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
    }

    [Fact]
    public async Task StartAndStop_AnswerHtmxWithTheFlashPartial_AndKeepTheStatusCodes()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "10",
            ["Generation:DurationSeconds"] = "60",
        });
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var started = await AntiforgeryClient.PostFormAsync(client, "/generation/start", token);
        var again = await AntiforgeryClient.PostFormAsync(client, "/generation/start", token);
        var stopped = await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token);
        var stopAgain = await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token, asHtmx: false);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Contains("<p class=\"flash-message is-ok\">Run 1 started", await started.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("<p class=\"flash-message is-error\">A generation run is already active", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Contains("Run 1 stopped at", await stopped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // An API client (no htmx, no text/html) gets problem details.
        Assert.Equal(HttpStatusCode.Conflict, stopAgain.StatusCode);
        Assert.Equal("application/problem+json", stopAgain.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PlainFormPosts_RedirectBackToTheDashboard_WhichShowsTheMessage()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "10",
            ["Generation:DurationSeconds"] = "60",
        });
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var response = await AntiforgeryClient.PostFormAsync(client, "/generation/start", token, asHtmx: false, accept: "text/html");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        var page = await client.GetStringAsync("/");
        Assert.Contains("Run 1 started", page, StringComparison.Ordinal);
        Assert.Matches("id=\"start-button\" class=\"btn btn-start\" disabled=\"disabled\">START<", page);
        Assert.Matches("id=\"stop-button\" class=\"btn btn-stop\">STOP<", page);
    }

    [Fact]
    public async Task TwentyConcurrentStarts_CreateExactlyOneRun()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 10, seconds: 60));
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => AntiforgeryClient.PostFormAsync(client, "/generation/start", token)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var conflict = await responses.First(r => r.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync();
        Assert.Contains("already active", conflict, StringComparison.Ordinal);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
        Assert.Equal(HttpStatusCode.OK, (await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token)).StatusCode);
    }

    [Fact]
    public async Task Stop_WithNoActiveRun_Answers409WithAMessage()
    {
        using var client = shared.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var response = await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("No generation run is active", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
