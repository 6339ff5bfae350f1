using System.Net;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>A session ends at sign-out, a password change or a role change: a saved copy of its cookie is refused everywhere.</summary>
public sealed class SessionEndTests
{
    [Fact]
    public async Task ACookieSavedBeforeSignOut_IsRefusedAfterwards_OnEveryInstance()
    {
        await using var db = await TestDatabase.CreateAsync();
        var redis = await TestServers.RedisAsync();
        var prefix = $"t{Guid.NewGuid():N}:";
        var settings = GenerationSettings.Fast(rate: 10, seconds: 60);
        await using var a = new AppFactory(db, redis, prefix, settings);
        await using var b = new AppFactory(db, redis, prefix, settings);
        var addressA = a.StartOnRealPort();
        var addressB = b.StartOnRealPort();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = addressA };
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Admin);
        var saved = handler.CookieContainer.GetCookieHeader(addressA);
        Assert.Equal(HttpStatusCode.OK, (await SecurityClients.ReplayAsync(addressB, "/admin/audit", saved)).StatusCode);

        var signOut = await AntiforgeryClient.PostFormAsync(client, "/account/logout", await AntiforgeryClient.FetchTokenAsync(client), asHtmx: false);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.ReplayAsync(addressA, "/admin/audit", saved)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.ReplayAsync(addressB, "/admin/audit", saved)).StatusCode);
    }

    [Fact]
    public async Task APasswordChange_EndsTheSessionsOfTheOldPassword()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var address = app.StartOnRealPort();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = address };
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Admin);
        var saved = handler.CookieContainer.GetCookieHeader(address);
        Assert.Equal(HttpStatusCode.OK, (await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var admin = await users.FindByNameAsync(TestAccounts.Admin);
            Assert.True((await users.ChangePasswordAsync(admin!, TestAccounts.AdminPassword, "Another-Admin-Pass-2")).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode);
    }

    [Fact]
    public async Task ARoleTakenAway_IsGoneFromTheOpenSessionAtOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var address = app.StartOnRealPort();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = address };
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Admin);
        var saved = handler.CookieContainer.GetCookieHeader(address);
        Assert.Equal(HttpStatusCode.OK, (await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var admin = await users.FindByNameAsync(TestAccounts.Admin);
            Assert.True((await users.RemoveFromRoleAsync(admin!, "Admin")).Succeeded);
        }

        // 403 when the session lives on with its roles re-read, 401 if the change also renewed the security stamp.
        Assert.Contains((await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
    }
}
