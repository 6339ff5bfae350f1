using System.Net;
using Hangfire;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Tests.Web.Operations;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>
/// Who may do what: sign-in, roles on the controls and on /hangfire, rate limits, headers, audit (throttling: Security/SignInThrottleTests).
/// <para>
/// The tests that need only a default app and leave no run behind share one (<see cref="SharedApp"/>,
/// reset before each). Those with their own settings, a run of their own, or that need TestServer's
/// non-local requests (the /hangfire policy test) start their own.
/// </para>
/// </summary>
public sealed class SecurityTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    public Task InitializeAsync() => shared.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static HttpClient NoRedirects(AppFactory app) => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("/generation/start")]
    [InlineData("/generation/stop")]
    public async Task Controls_AnswerUnauthorized_ToAnonymousApiClients(string path)
    {
        var db = shared.Database;
        using var client = shared.CreateClient();

        var response = await AntiforgeryClient.PostFormAsync(client, path, await AntiforgeryClient.FetchTokenAsync(client));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
    }

    [Fact]
    public async Task Start_RedirectsAnonymousBrowsers_ToSignIn()
    {
        using var client = shared.CreateClient();
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var response = await AntiforgeryClient.PostFormAsync(client, "/generation/start", token, asHtmx: false, accept: "text/html");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestAccounts.Operator)]
    [InlineData(TestAccounts.Admin)]
    public async Task OperatorsAndAdmins_MayStartAndStop_AndEachIsAudited(string user)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 10, seconds: 60));
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, user);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token)).StatusCode);

        var runId = await db.ScalarAsync<long>("SELECT id FROM generation_runs");
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE user_name = @u", ("u", user)));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'start' AND outcome = 'started' AND run_id = @r AND occurred_at > now() - interval '1 minute'", ("r", runId)));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'stop' AND outcome = 'stopped' AND run_id = @r", ("r", runId)));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'stop' AND outcome = 'nothing-running' AND run_id IS NULL"));
    }

    [Fact]
    public async Task AuditPage_IsForAdminsOnly()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 10, seconds: 60));
        var anonymous = NoRedirects(app);
        var operatorClient = NoRedirects(app);
        await AntiforgeryClient.SignInAsync(operatorClient, TestAccounts.Operator);
        var adminClient = NoRedirects(app);
        await AntiforgeryClient.SignInAsync(adminClient, TestAccounts.Admin);
        await AntiforgeryClient.PostFormAsync(operatorClient, "/generation/start", await AntiforgeryClient.FetchTokenAsync(operatorClient));

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("/admin/audit")).StatusCode);
        var page = await adminClient.GetAsync("/admin/audit");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<td>operator</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>started</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangfire_RedirectsAnonymousToSignIn_ForbidsOperators_AndServesAdmins()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var anonymous = NoRedirects(app);
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var operatorClient = NoRedirects(app);
        await AntiforgeryClient.SignInAsync(operatorClient, TestAccounts.Operator);
        var adminClient = NoRedirects(app);
        await AntiforgeryClient.SignInAsync(adminClient, TestAccounts.Admin);

        var anonymousAnswer = await anonymous.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, anonymousAnswer.StatusCode);
        Assert.Equal("/account/login?ReturnUrl=%2Fhangfire", anonymousAnswer.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("/hangfire")).StatusCode);
        // TestServer requests are not local to Hangfire's default filter: a 200 here proves the policy is what decides.
        var admin = await adminClient.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        var html = await admin.Content.ReadAsStringAsync();
        Assert.Contains("InvoiceMvc jobs", html, StringComparison.Ordinal);
        // Hangfire's pages load their scripts from files only, so scripts stay 'self' there too.
        Assert.DoesNotMatch("<script(?![^>]*src=)", html);
        Assert.Contains("script-src 'self';", Assert.Single(admin.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingTheRunningJobInHangfire_StopsTheRun()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 10, seconds: 60));
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", await AntiforgeryClient.FetchTokenAsync(client))).StatusCode);
        await Eventually.TrueAsync(async () => await db.ScalarAsync<int>("SELECT produced FROM generation_runs") > 0, TimeSpan.FromSeconds(15), "the job is producing");
        var jobId = await db.ScalarAsync<string>("SELECT job_id FROM generation_runs");

        Assert.True(app.Services.GetRequiredService<IBackgroundJobClient>().Delete(jobId));

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 2, TimeSpan.FromSeconds(3), "the run ends stopped");
        var produced = await db.ScalarAsync<int>("SELECT produced FROM generation_runs");
        Assert.InRange(produced, 1, 599);
    }

    [Fact]
    public async Task SignIn_PastTheLimit_Answers429WithRetryAfter()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["RateLimits:SignInPermitLimit"] = "2", ["RateLimits:WindowSeconds"] = "60" });
        var client = NoRedirects(app);

        Assert.Equal(HttpStatusCode.Unauthorized, (await AntiforgeryClient.PostSignInAsync(client, "nobody", "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AntiforgeryClient.PostSignInAsync(client, "nobody", "x")).StatusCode);
        var third = await AntiforgeryClient.PostSignInAsync(client, TestAccounts.Admin, TestAccounts.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter?.Delta);
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
    }

    [Fact]
    public async Task Controls_PastTheLimit_Answer429WithRetryAfter()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["RateLimits:ControlPermitLimit"] = "3", ["RateLimits:WindowSeconds"] = "30" });
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Conflict, (await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token)).StatusCode);
        }

        var limited = await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 30);
    }

    [Theory]
    [InlineData("RateLimits:SignInPermitLimit", "0")]
    [InlineData("RateLimits:ControlPermitLimit", "-1")]
    [InlineData("RateLimits:WindowSeconds", "0")]
    public async Task AnInvalidRateLimit_FailsStartUp_NamingTheKey(string key, string value)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(key, StartupValidationTests.Flatten(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartUp_OutsideDevelopment_RefusesWithoutSeededAccounts_NamingTheKeys()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["Seed:Admin:Password"] = "",
            ["Seed:Operator:UserName"] = "",
        });
        app.Environment = "Production";

        var message = StartupValidationTests.Flatten(Assert.ThrowsAny<Exception>(() => app.CreateClient()));

        Assert.Contains("Seed:Admin:Password", message, StringComparison.Ordinal);
        Assert.Contains("Seed:Operator:UserName", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Seed:Admin:UserName", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/no-such-page")]
    [InlineData("/hangfire")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        using var client = shared.CreateClient();

        var response = await client.GetAsync(path);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "no HSTS without an HTTPS port");
    }
    [Fact]
    public async Task BehindAConfiguredProxy_TheAuditLogRecordsTheForwardedClientAddress()
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = GenerationSettings.Fast(rate: 10, seconds: 60);
        settings["ReverseProxy:KnownProxies:0"] = "127.0.0.1";
        await using var app = await AppFactory.CreateAsync(db, settings);
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = app.StartOnRealPort() };
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", await AntiforgeryClient.FetchTokenAsync(client))).StatusCode);

        Assert.Equal("203.0.113.7", await db.ScalarAsync<string>("SELECT remote_address FROM audit_log"));
    }
    [Fact]
    public async Task SignIn_WithEmptyFields_Answers400WithMessages()
    {
        using var client = shared.CreateClient();

        var response = await AntiforgeryClient.PostSignInAsync(client, "", "");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter your user name.", html, StringComparison.Ordinal);
        Assert.Contains("Enter your password.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/admin/audit", "/admin/audit")]
    public async Task SignIn_ReturnsOnlyToLocalAddresses(string returnUrl, string expected)
    {
        using var client = shared.CreateClient();
        var html = await client.GetStringAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        // The page lives under style-src 'self': no style attributes.
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

        using var form = new FormUrlEncodedContent([
            new KeyValuePair<string, string>("__RequestVerificationToken", token),
            new KeyValuePair<string, string>("UserName", TestAccounts.Admin),
            new KeyValuePair<string, string>("Password", TestAccounts.AdminPassword),
            new KeyValuePair<string, string>("ReturnUrl", returnUrl),
        ]);
        var response = await client.PostAsync("/account/login", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignOut_TakesTheControlsAway()
    {
        using var client = shared.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);
        Assert.Equal(HttpStatusCode.Conflict, (await AntiforgeryClient.PostFormAsync(client, "/generation/stop", token)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/account/logout", new FormUrlEncodedContent([]))).StatusCode);
        var signOut = await AntiforgeryClient.PostFormAsync(client, "/account/logout", token, asHtmx: false);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await AntiforgeryClient.PostFormAsync(client, "/generation/stop", await AntiforgeryClient.FetchTokenAsync(client))).StatusCode);
    }

    [Fact]
    public async Task OutsideDevelopment_WithAnHttpsPort_PlainHttpIsRedirected()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["https_port"] = "8443" });
        app.Environment = "Production";
        var client = NoRedirects(app);

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://localhost:8443/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ASignInAndTokenFromOneInstance_WorkOnAnother()
    {
        await using var db = await TestDatabase.CreateAsync();
        var redis = await TestServers.RedisAsync();
        var prefix = $"t{Guid.NewGuid():N}:";
        var settings = GenerationSettings.Fast(rate: 10, seconds: 60);
        await using var a = new AppFactory(db, redis, prefix, settings);
        await using var b = new AppFactory(db, redis, prefix, settings);
        var addressB = b.StartOnRealPort();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        // Cookies ignore ports: both instances on 127.0.0.1 see the same cookies, as behind a load balancer.
        using var client = new HttpClient(handler) { BaseAddress = a.StartOnRealPort() };
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var tokenFromA = await AntiforgeryClient.FetchTokenAsync(client);

        var onB = await AntiforgeryClient.PostFormAsync(client, new Uri(addressB, "/generation/start").ToString(), tokenFromA);

        Assert.Equal(HttpStatusCode.Accepted, onB.StatusCode);
        Assert.Equal("operator", await db.ScalarAsync<string>("SELECT user_name FROM audit_log"));
    }
}
