using System.Globalization;
using System.Net;
using System.Text.Json;
using InvoiceMvc.Web.Controllers;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>The JSON read API: keyset pages that return every match once, in order; one invoice; 400s naming the field; the OpenAPI document.</summary>
public sealed class InvoicesApiControllerTests(InvoiceDocumentsData data) : IClassFixture<InvoiceDocumentsData>
{
    public static TheoryData<string, string, string> Filters => new()
    {
        { "", "", "ORDER BY id DESC" },
        { "sort=total&dir=asc", "", "ORDER BY total_amount, id" },
        { "sort=total", "", "ORDER BY total_amount DESC, id DESC" },
        { "sort=seller&dir=asc&min=5", "WHERE total_amount >= 5", "ORDER BY seller_name, id" },
        { "sort=buyer", "", "ORDER BY buyer_name DESC, id DESC" },
        { "q=buyer%202&sort=date", "WHERE seller_name ILIKE '%buyer 2%' OR buyer_name ILIKE '%buyer 2%' OR invoice_number ILIKE '%buyer 2%'", "ORDER BY invoice_date DESC, id DESC" },
        { "sort=vat&dir=asc&max=30", "WHERE total_amount <= 30", "ORDER BY vat_amount, id" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Paging_ReturnsEveryMatchOnce_InTheFiltersOrder(string query, string where, string orderBy)
    {
        var expected = (await InvoiceDocumentsData.RowsAsync(data.App.Database, where, orderBy)).Select(i => i.Id).ToList();
        using var client = data.App.CreateClient();
        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/invoices?{query}&size=4" + (cursor is null ? "" : $"&cursor={cursor}");
            using var page = JsonDocument.Parse(await client.GetStringAsync(url));
            var items = page.RootElement.GetProperty("items");
            Assert.InRange(items.GetArrayLength(), 1, 4);
            seen.AddRange(items.EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
            var next = page.RootElement.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            Assert.True(++pages <= expected.Count, "paging ends");
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 3) / 4, pages); // a next cursor only when a next page has rows
    }

    [Fact]
    public async Task OneInvoice_HasItsStoredValues_MoneyWithTwoDecimals_AndUtcIsoTimes()
    {
        var row = await InvoiceDocumentsData.RowAsync(data.App.Database, 31);
        using var client = data.App.CreateClient();

        var response = await client.GetAsync("/api/invoices/INV-0000031");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"subtotal\":10.00,", json, StringComparison.Ordinal);
        Assert.Contains("\"vatAmount\":1.50,", json, StringComparison.Ordinal);
        Assert.Contains("\"total\":11.50,", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        var i = doc.RootElement;
        Assert.Equal(31, i.GetProperty("id").GetInt64());
        Assert.Equal("INV-0000031", i.GetProperty("number").GetString());
        Assert.Equal(row.SellerName, i.GetProperty("seller").GetString());
        Assert.Equal(row.BuyerName, i.GetProperty("buyer").GetString());
        Assert.Equal(row.VatRate, i.GetProperty("vatRate").GetDecimal());
        Assert.Equal(row.RunId, i.GetProperty("runId").GetInt64());
        var date = i.GetProperty("invoiceDate").GetString()!;
        Assert.EndsWith("Z", date, StringComparison.Ordinal);
        Assert.Equal(row.InvoiceDate, DateTimeOffset.Parse(date, CultureInfo.InvariantCulture));
        Assert.Equal(row.CreatedAt, DateTimeOffset.Parse(i.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("/invoices/INV-0000031/pdf", i.GetProperty("pdfUrl").GetString());
        // Issued just now on 30-day terms, nothing paid: open, the whole total due.
        Assert.Contains("\"paid\":0.00,\"amountDue\":11.50,\"status\":\"open\",", json, StringComparison.Ordinal);
        Assert.Equal(DateOnly.FromDateTime(row.InvoiceDate.UtcDateTime).AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            i.GetProperty("dueDate").GetString());
    }

    [Theory]
    [InlineData("INV-9999999")]
    [InlineData("INV-31")]
    [InlineData("nonsense")]
    public async Task AnUnknownOrMalformedNumber_Is404ProblemDetails(string number)
    {
        using var client = data.App.CreateClient();
        var response = await client.GetAsync($"/api/invoices/{number}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("No such invoice", problem.RootElement.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=2026-02-30", "to")]
    [InlineData("from=2026-12-02&to=2026-12-01", "to")]
    [InlineData("min=-0.01", "min")]
    [InlineData("max=ten", "max")]
    [InlineData("min=9&max=8", "max")]
    [InlineData("sort=amount", "sort")]
    [InlineData("dir=sideways", "dir")]
    [InlineData("run=-3", "run")]
    [InlineData("status=unpaid", "status")]
    [InlineData("cursor=abc", "cursor")]
    [InlineData("cursor=999999", "cursor")]
    [InlineData("size=0", "size")]
    [InlineData("size=101", "size")]
    [InlineData("size=many", "size")]
    public async Task EveryBadInput_Is400ProblemDetailsNamingTheField(string query, string field)
    {
        using var client = data.App.CreateClient();
        var response = await client.GetAsync("/api/invoices?" + query);
        await InvoiceCsvTests.AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesBothPaths_TheirParameters_AndTheirErrors()
    {
        using var client = data.App.CreateClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        Assert.Equal(["/api/analytics", "/api/invoices", "/api/invoices/{number}"], paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var list = paths.GetProperty("/api/invoices").GetProperty("get");
        var parameters = list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "q", "seller", "buyer", "from", "to", "min", "max", "run", "status", "sort", "dir", "cursor", "size" }, parameters);
        Assert.True(list.GetProperty("responses").TryGetProperty("200", out _));
        Assert.True(list.GetProperty("responses").TryGetProperty("400", out _));
        var one = paths.GetProperty("/api/invoices/{number}").GetProperty("get");
        Assert.True(one.GetProperty("responses").TryGetProperty("404", out _));
        var schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("InvoicePageJson", out var page), "the page's schema");
        Assert.True(page.GetProperty("properties").TryGetProperty("nextCursor", out _));
        Assert.Equal(InvoicesApiController.MaxPageSize, list.GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "size").GetProperty("schema").GetProperty("maximum").GetInt32());
    }
}
