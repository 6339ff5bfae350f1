using System.Net;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web;

public sealed class GenerationControllerTests
{
    [Fact]
    public async Task Start_ProducesExactlyTheTargetCount_AndCompletes()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "50",
            ["Generation:DurationSeconds"] = "2",
        });
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        var token = await AntiforgeryClient.FetchTokenAsync(client);

        var response = await AntiforgeryClient.PostFormAsync(client, "/generation/start", token);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3,
            TimeSpan.FromSeconds(20), "the run completes");
        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT invoice_count FROM invoice_stats"));
    }

    [Theory]
    [InlineData("/generation/start")]
    [InlineData("/generation/stop")]
    public async Task Controls_ReturnBadRequest_WithoutAntiforgeryToken(string path)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);

        var response = await client.PostAsync(path, new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
    }
}
