using System.Net;
using System.Text.Json;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>API clients that ask for JSON get problem details for 400/401/403; browsers and htmx keep their pages.</summary>
public sealed class ProblemDetailsTests
{
    private static HttpClient NoRedirects(AppFactory app) => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task AMissingAntiforgeryToken_GivesJsonClients400ProblemDetails()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent([new("UserName", "admin"), new("Password", "x")]),
        };
        request.Headers.Accept.ParseAdd("application/json");

        await AssertProblemAsync(await NoRedirects(app).SendAsync(request), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AnAnonymousControl_GivesJsonClients401ProblemDetails()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = NoRedirects(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/generation/start")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", await AntiforgeryClient.FetchTokenAsync(client))]),
        };
        request.Headers.Accept.ParseAdd("application/json");

        await AssertProblemAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
    }

    [Fact]
    public async Task AForbiddenPage_GivesJsonClients403ProblemDetails_AndBrowsersThePage()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = NoRedirects(app);
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);

        using var json = new HttpRequestMessage(HttpMethod.Get, "/admin/audit");
        json.Headers.Accept.ParseAdd("application/json");
        await AssertProblemAsync(await client.SendAsync(json), HttpStatusCode.Forbidden);

        using var html = new HttpRequestMessage(HttpMethod.Get, "/admin/audit");
        html.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var page = await client.SendAsync(html);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Access denied", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Htmx_KeepsItsRedirectHeader_AndNoProblemDetails()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = NoRedirects(app);

        var response = await AntiforgeryClient.PostFormAsync(client, "/generation/start", await AntiforgeryClient.FetchTokenAsync(client));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/account/login", Assert.Single(response.Headers.GetValues("HX-Redirect")));
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
    }
}
