using System.Net;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>
/// The documents and the API follow the dashboard's rule: anyone may read them without signing in,
/// and each request counts against the same per-client page limit.
/// </summary>
public sealed class InvoiceDocumentsAccessTests
{
    [Fact]
    public async Task Anonymous_ReadsTheApiTheDetailPageThePdfAndTheExport_UntilThePageLimitAnswers429()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Seed.InvoicesAsync(db, 2);
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["RateLimits:PagePermitLimit"] = "5", ["RateLimits:WindowSeconds"] = "60" });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/api/invoices", "/api/invoices/INV-0000001", "/invoices/INV-0000001", "/invoices/INV-0000001/pdf", "/invoices/export.csv" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(path)).StatusCode);
        }

        var limited = await client.GetAsync("/api/invoices");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
