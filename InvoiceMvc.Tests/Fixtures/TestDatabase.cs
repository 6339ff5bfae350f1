using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>A database of its own, migrated with the app's EF Core migrations, dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

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
