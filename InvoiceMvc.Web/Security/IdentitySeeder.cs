using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Creates the roles and the first Admin and Operator at start-up when they are missing. An existing
/// account is left as it is (its password included), so restarting never undoes what an admin changed.
/// </summary>
public sealed class IdentitySeeder(IServiceScopeFactory scopes, IOptions<SeedOptions> seed, ILogger<IdentitySeeder> logger) : IHostedService
{
    // Two instances starting together on one database must not both insert the same user.
    private const long SeedLockKey = 0x494E5653; // "INVS"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InvoiceDbContext>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", cancellationToken);
        foreach (var role in new[] { Roles.Admin, Roles.Operator })
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");
            }
        }

        await EnsureUserAsync(users, seed.Value.Admin, Roles.Admin);
        await EnsureUserAsync(users, seed.Value.Operator, Roles.Operator);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureUserAsync(UserManager<IdentityUser> users, SeedAccount account, string role)
    {
        var user = await users.FindByNameAsync(account.UserName!);
        if (user is null)
        {
            user = new IdentityUser(account.UserName!);
            Check(await users.CreateAsync(user, account.Password!), $"Seed:{role} account");
            logger.LogInformation("Created the {Role} account {UserName}", role, account.UserName);
        }

        if (!await users.IsInRoleAsync(user, role))
        {
            Check(await users.AddToRoleAsync(user, role), $"Seed:{role} role membership");
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
