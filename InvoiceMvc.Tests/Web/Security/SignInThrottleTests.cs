using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>Guessing is slowed and refused per client, never by locking the account; every failure looks the same.</summary>
public sealed partial class SignInThrottleTests
{
    [Fact]
    public async Task WrongGuessesFromOneClient_AreRefusedThere_AndNeverLockTheRealUserOut()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, SecurityClients.BehindLoopbackProxy());
        var address = app.StartOnRealPort();
        using var attacker = SecurityClients.Create(address, "198.51.100.1");

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.SignInAsync(attacker, TestAccounts.Admin, $"guess-{i}")).StatusCode);
        }

        // Refused before the password is looked at, even the right one: the guessing client learns nothing more.
        var refused = await SecurityClients.SignInAsync(attacker, TestAccounts.Admin, TestAccounts.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.Contains("Too many failed sign-ins", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var realAdmin = SecurityClients.Create(address, "198.51.100.2");
        await AntiforgeryClient.SignInAsync(realAdmin, TestAccounts.Admin);
        Assert.Equal(HttpStatusCode.OK, (await realAdmin.GetAsync("/admin/audit")).StatusCode);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\" WHERE \"LockoutEnd\" IS NOT NULL OR \"AccessFailedCount\" > 0"));
    }

    [Fact]
    public async Task OneClientGuessingManyNames_IsRefusedPastItsLimit_OthersAreNot()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, SecurityClients.BehindLoopbackProxy(new Dictionary<string, string?> { ["SignInThrottle:FailuresPerClient"] = "3" }));
        var address = app.StartOnRealPort();
        using var attacker = SecurityClients.Create(address, "198.51.100.1");

        foreach (var name in new[] { "alice", "bob", TestAccounts.Operator })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.SignInAsync(attacker, name, "guess")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SecurityClients.SignInAsync(attacker, "carol", "guess")).StatusCode);
        using var realOperator = SecurityClients.Create(address, "198.51.100.2");
        await AntiforgeryClient.SignInAsync(realOperator, TestAccounts.Operator);
    }

    [Fact]
    public async Task FailedSignIns_ForKnownAndUnknownNames_GiveTheSameStatusAndText()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["SignInThrottle:FailuresPerClient"] = "100",
            ["RateLimits:SignInPermitLimit"] = "100",
        });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // Past the fifth failure too: that is where a lockout used to say "locked" for real names only.
        for (var i = 1; i <= 7; i++)
        {
            var known = await SecurityClients.SignInAsync(client, TestAccounts.Operator, "wrong-password");
            var unknown = await SecurityClients.SignInAsync(client, "no-such-user", "wrong-password");

            Assert.Equal(known.StatusCode, unknown.StatusCode);
            Assert.Equal(Normalise(await known.Content.ReadAsStringAsync()), Normalise(await unknown.Content.ReadAsStringAsync()));
            Assert.DoesNotContain("locked", await known.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task AFailedSignIn_ForAnUnknownName_TakesAsLongAsForARealOne()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["SignInThrottle:FailuresPerClient"] = "1000",
            ["SignInThrottle:FailuresPerClientAndUser"] = "1000",
            ["SignInThrottle:FailuresPerUserBeforeDelay"] = "1000",
            ["RateLimits:SignInPermitLimit"] = "1000",
        });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        // Warm-up (JIT, the hasher, the pools); then at most five failures per real name, so no old-style lockout
        // could make the known-name path cheap.
        await TimedFailureAsync(client, TestAccounts.Admin);
        await TimedFailureAsync(client, TestAccounts.Operator);
        await TimedFailureAsync(client, "nobody-warm-up");

        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            known.Add(await TimedFailureAsync(client, i % 2 == 0 ? TestAccounts.Admin : TestAccounts.Operator));
            unknown.Add(await TimedFailureAsync(client, $"nobody-{i}"));
        }

        // Relative medians, generous: without the dummy hash an unknown name was ~10x faster (6 ms vs 60 ms).
        var (k, u) = (Median(known), Median(unknown));
        Assert.True(u >= 0.5 * k, $"median unknown {u:0.0} ms vs known {k:0.0} ms");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(9, 0)]
    [InlineData(10, 250)]
    [InlineData(11, 500)]
    [InlineData(13, 2000)]
    [InlineData(14, 3000)]
    [InlineData(1_000_000, 3000)]
    public void ANameUnderAttack_IsDelayedMoreWithEachFailure_UpToTheCap(long failures, int expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), SignInThrottle.DelayFor(failures, new SignInThrottleOptions()));
    }

    private static async Task<double> TimedFailureAsync(HttpClient client, string userName)
    {
        var html = await client.GetStringAsync("/account/login");
        var token = TokenPattern().Match(html).Groups[1].Value;
        using var form = new FormUrlEncodedContent([
            new KeyValuePair<string, string>("__RequestVerificationToken", token),
            new KeyValuePair<string, string>("UserName", userName),
            new KeyValuePair<string, string>("Password", "wrong-password"),
        ]);
        var sw = Stopwatch.StartNew();
        var response = await client.PostAsync("/account/login", form);
        sw.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return sw.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The page without what differs by design: the antiforgery token and the name typed back into the form.</summary>
    private static string Normalise(string html) =>
        UserNameValue().Replace(TokenPattern().Replace(html, "TOKEN"), "NAME");

    [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" type=\"hidden\" value=\")([^\"]+)")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("(?<=name=\"UserName\" value=\")[^\"]*")]
    private static partial Regex UserNameValue();
}
