using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Tests.Web.Operations;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>The app's and Hangfire's pools together must fit in the server's max_connections, checked at start-up.</summary>
public sealed class ConnectionBudgetTests
{
    [Fact]
    public async Task APoolLargerThanTheServerAccepts_FailsStartUp_NamingTheSettingAndTheFigures()
    {
        await using var db = await TestDatabase.CreateAsync();
        var maxConnections = int.Parse(await db.ScalarAsync<string>("SHOW max_connections"), System.Globalization.CultureInfo.InvariantCulture);
        var tooLarge = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1000 }.ConnectionString;
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = tooLarge });

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var message = StartupValidationTests.Flatten(ex);
        Assert.Contains("ConnectionStrings:Postgres has Maximum Pool Size=1000", message, StringComparison.Ordinal);
        Assert.Contains("may open 2000 connections", message, StringComparison.Ordinal);
        Assert.Contains($"max_connections {maxConnections}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePoolTheTestsUse_Fits_AndTheAppStarts()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);

        var response = await app.CreateClient().GetAsync("/health/live");

        Assert.True(response.IsSuccessStatusCode);
    }

    [Theory]
    [InlineData(100, 100, 3, false)] // Debian's default server: 97 for us, 200 asked
    [InlineData(48, 100, 3, true)]
    [InlineData(49, 100, 3, false)]
    [InlineData(50, 300, 3, true)]   // scripts/run.sh against scripts/services.sh
    public void TheBudget_IsTwoPoolsAgainstMaxConnectionsMinusReserved(int poolSize, int maxConnections, int reserved, bool fits)
    {
        var problem = ConnectionBudget.Problem(poolSize, new ConnectionBudget.ServerLimits(maxConnections, reserved));
        Assert.Equal(fits, problem is null);
    }
}
