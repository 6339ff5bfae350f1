using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Respawn;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>A database of its own, migrated with the app's EF Core migrations, dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;
    private Respawner? _respawner;

    private TestDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name, MaxPoolSize = 40 }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    /// <param name="upToMigration">Stop at this migration (e.g. to test a later one's data step); null = all.</param>
    public static async Task<TestDatabase> CreateAsync(string? upToMigration = null)
    {
        var server = await TestServers.PostgresAsync();
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = NpgsqlDataSource.Create(server))
        await using (var cmd = admin.CreateCommand($"CREATE DATABASE {name}"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        var db = new TestDatabase(server, name);
        await using var context = new InvoiceDbContext(new DbContextOptionsBuilder<InvoiceDbContext>().UseNpgsql(db.ConnectionString).Options);
        await context.GetService<IMigrator>().MigrateAsync(upToMigration);
        return db;
    }

    /// <summary>Applies the remaining migrations.</summary>
    public async Task MigrateAsync()
    {
        await using var context = new InvoiceDbContext(new DbContextOptionsBuilder<InvoiceDbContext>().UseNpgsql(ConnectionString).Options);
        await context.Database.MigrateAsync();
    }

    /// <summary>
    /// Empties the app's tables as the migrations left them (Respawn, identities restarted): the single
    /// invoice_stats row back to zeros and a zero balance per ledger account (the triggers upsert only
    /// the accounts they post to). Kept: the migration history, the data-protection keys, the parties
    /// (an app holds its generator's pool of their ids in memory), the chart of accounts, Identity's
    /// users and roles, and Hangfire's schema (its server owns those rows).
    /// </summary>
    public async Task EmptyAsync()
    {
        await using (var connection = await DataSource.OpenConnectionAsync())
        {
            _respawner ??= await Respawner.CreateAsync(connection, new RespawnerOptions
            {
                DbAdapter = DbAdapter.Postgres,
                SchemasToInclude = ["public"],
                TablesToIgnore =
                [
                    "__EFMigrationsHistory", "data_protection_keys", "invoice_stats", "parties", "ledger_accounts",
                    "AspNetUsers", "AspNetRoles", "AspNetUserRoles", "AspNetUserClaims", "AspNetRoleClaims", "AspNetUserLogins", "AspNetUserTokens",
                ],
                WithReseed = true,
            });
            await _respawner.ResetAsync(connection);
        }

        await ExecuteAsync("""
            UPDATE invoice_stats SET invoice_count = 0, total_amount = 0, vat_amount = 0, last_invoice_id = 0;
            INSERT INTO ledger_balances (account_code, debit_total, credit_total) SELECT code, 0, 0 FROM ledger_accounts;
            """);
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(_serverConnectionString);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var cmd = admin.CreateCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (attempt < 10 && ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                // FORCE cannot terminate an autovacuum worker (42501 for a non-superuser): it ends in a moment.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
