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
        var (client, saved) = await SignInAsAdminAsync(addressA);
        using var session = client;
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
        var (client, saved) = await SignInAsAdminAsync(address);
        client.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode);

        await ChangeAdminAsync(app, (users, admin) => users.ChangePasswordAsync(admin, TestAccounts.AdminPassword, "Another-Admin-Pass-2"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode);
    }

    [Fact]
    public async Task ARoleTakenAway_IsGoneFromTheOpenSessionAtOnce()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var address = app.StartOnRealPort();
        var (client, saved) = await SignInAsAdminAsync(address);
        client.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode);

        await ChangeAdminAsync(app, (users, admin) => users.RemoveFromRoleAsync(admin, "Admin"));

        // 403 when the session lives on with its roles re-read, 401 if the change also renewed the security stamp.
        Assert.Contains((await SecurityClients.ReplayAsync(address, "/admin/audit", saved)).StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
    }

    /// <summary>Signs in as the admin; returns the client and a copy of its session cookie.</summary>
    private static async Task<(HttpClient Client, string Cookie)> SignInAsAdminAsync(Uri address)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = address };
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Admin);
        return (client, handler.CookieContainer.GetCookieHeader(address));
    }

    private static async Task ChangeAdminAsync(AppFactory app, Func<UserManager<IdentityUser>, IdentityUser, Task<IdentityResult>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var admin = await users.FindByNameAsync(TestAccounts.Admin) ?? throw new InvalidOperationException("no admin account");
        Assert.True((await change(users, admin)).Succeeded);
    }
}
