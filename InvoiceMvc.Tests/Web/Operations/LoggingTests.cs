using System.Net;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InvoiceMvc.Tests.Web.Operations;

public sealed class LoggingTests
{
    [Fact]
    public async Task JobLogLines_CarryTheRunId_AndNoLogLineCarriesAConnectionSecret()
    {
        await using var db = await TestDatabase.CreateAsync();
        var capture = new LogCapture();
        await using var baseApp = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "50",
            ["Generation:DurationSeconds"] = "2",
        });
        await using var app = baseApp.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(capture)));
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", token)).StatusCode);
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3,
            TimeSpan.FromSeconds(20), "the run completes");
        var runId = await db.ScalarAsync<long>("SELECT id FROM generation_runs");
        await Eventually.TrueAsync(() => Task.FromResult(capture.Entries.Any(e => e.Category.EndsWith(".GenerationJob", StringComparison.Ordinal) && e.Message.Contains("ended", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "the job logs its end");

        var jobLines = capture.Entries.Where(e => e.Category.EndsWith(".GenerationJob", StringComparison.Ordinal)).ToList();
        Assert.True(jobLines.Count >= 2, $"{jobLines.Count} job lines");
        Assert.All(jobLines, e => Assert.Contains(e.Scopes, s => s.Key == "RunId" && Equals(Convert.ToInt64(s.Value, System.Globalization.CultureInfo.InvariantCulture), runId)));

        var secrets = new List<string>();
        var pgPassword = new NpgsqlConnectionStringBuilder(db.ConnectionString).Password;
        if (!string.IsNullOrEmpty(pgPassword))
        {
            secrets.Add(pgPassword);
        }

        var redisPassword = StackExchange.Redis.ConfigurationOptions.Parse(await TestServers.RedisAsync()).Password;
        if (!string.IsNullOrEmpty(redisPassword))
        {
            secrets.Add(redisPassword);
        }

        Assert.NotEmpty(capture.Entries);
        foreach (var entry in capture.Entries)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, entry.AllText, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("Password=", entry.AllText, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Console_IsJsonWithScopes_OutsideDevelopment()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);

        var console = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var json = app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        Assert.True(json.IncludeScopes);
    }
}
