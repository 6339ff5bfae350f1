using System.Net;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>X-Forwarded-For counts only from the proxies named in ReverseProxy:KnownProxies, loopback included.</summary>
public sealed class ForwardedHeadersTests
{
    // The throttle refuses and delays by failures; these tests are about the rate limiter's partition alone
    // (and all 25 attempts must fall in one 60 s window).
    private static readonly Dictionary<string, string?> RateLimitOnly = new()
    {
        ["RateLimits:SignInPermitLimit"] = "20",
        ["SignInThrottle:FailuresPerClient"] = "1000",
        ["SignInThrottle:FailuresPerClientAndUser"] = "1000",
        ["SignInThrottle:FailuresPerUserBeforeDelay"] = "1000",
    };

    [Fact]
    public async Task ForgedAddresses_FromAPeerThatIsNoConfiguredProxy_ShareOneRateLimit()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, RateLimitOnly);
        using var client = SecurityClients.Create(app.StartOnRealPort());

        var limited = 0;
        for (var i = 1; i <= 25; i++)
        {
            client.DefaultRequestHeaders.Remove("X-Forwarded-For");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            limited += (await SecurityClients.SignInAsync(client, "nobody", "guess")).StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.Equal(5, limited);
    }

    [Fact]
    public async Task AForgedAddress_FromAPeerThatIsNoConfiguredProxy_IsNotWrittenToTheAuditLog()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 10, seconds: 60));
        using var client = SecurityClients.Create(app.StartOnRealPort(), "203.0.113.7");
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);

        Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", await AntiforgeryClient.FetchTokenAsync(client))).StatusCode);

        Assert.Equal("127.0.0.1", await db.ScalarAsync<string>("SELECT remote_address FROM audit_log"));
    }

    [Fact]
    public async Task ForwardedAddresses_FromAConfiguredProxy_AreEachTheirOwnClient()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, SecurityClients.BehindLoopbackProxy(RateLimitOnly));
        using var client = SecurityClients.Create(app.StartOnRealPort());

        for (var i = 1; i <= 25; i++)
        {
            client.DefaultRequestHeaders.Remove("X-Forwarded-For");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.SignInAsync(client, "nobody", "guess")).StatusCode);
        }
    }
}
