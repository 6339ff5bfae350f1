using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Operations;

/// <summary>A bad setting stops the app at start-up with a message naming the key, never at the first request.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Generation:RatePerSecond", "0")]
    [InlineData("Generation:RatePerSecond", "-5")]
    [InlineData("Generation:DurationSeconds", "0")]
    [InlineData("Invoicing:VatRate", "1.5")]
    [InlineData("Invoicing:VatRate", "-0.1")]
    [InlineData("Invoicing:VatRate", "0")]
    [InlineData("Invoicing:PaymentTermsDays", "0")]
    [InlineData("Invoicing:PaymentTermsDays", "366")]
    [InlineData("Cache:KeyPrefix", "bad prefix!")]
    [InlineData("Clock:ShiftDays", "4000")]
    [InlineData("Reminders:IntervalDays", "0")]
    [InlineData("Reminders:Cron", "every day")]
    [InlineData("Simulation:PaymentsPerSecond", "51")]
    [InlineData("Hangfire:Queues", "generation,reports")]
    [InlineData("Hangfire:Queues", " , ")]
    public async Task AnInvalidSetting_FailsStartUp_NamingTheKey(string key, string value)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { [key] = value });

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(key, Flatten(ex), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShiftedToday_FailsStartUpInProduction_NamingTheSetting()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["Clock:ShiftDays"] = "40" });
        app.Environment = "Production";

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Clock:ShiftDays must be 0 in Production", Flatten(ex), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("Redis")]
    public async Task AMissingConnectionString_FailsStartUp_NamingIt(string name)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { [$"ConnectionStrings:{name}"] = "" });

        var ex = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains($"ConnectionStrings:{name}", Flatten(ex), StringComparison.Ordinal);
    }

    internal static string Flatten(Exception ex) => ex is AggregateException a
        ? string.Join(" | ", a.Flatten().InnerExceptions.Select(Flatten))
        : ex.Message + (ex.InnerException is null ? "" : " | " + Flatten(ex.InnerException));
}
