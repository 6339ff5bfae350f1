using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;
using UglyToad.PdfPig;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>The detail page and the PDF show what the database holds; unknown or malformed numbers get the friendly 404.</summary>
public sealed partial class InvoiceDocumentsControllerTests(InvoiceDocumentsData data) : IClassFixture<InvoiceDocumentsData>
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(InvoiceDocumentsData.Count)]
    [InlineData(31)]
    public async Task Detail_ShowsEveryFieldOfTheDatabaseRow_InTheDisplayCulture_WithPreviousAndNext(long id)
    {
        var row = await InvoiceDocumentsData.RowAsync(data.App.Database, id);
        var format = data.App.Service<DashboardFormatter>();

        var html = await GetHtmlAsync($"/invoices/{row.InvoiceNumber}");

        Assert.Equal(row.SellerName, Field(html, "Seller"));
        Assert.Equal(row.BuyerName, Field(html, "Buyer"));
        Assert.Equal(row.InvoiceNumber, Field(html, "Invoice number"));
        Assert.Equal(format.Date(row.InvoiceDate), Field(html, "Invoice date"));
        Assert.Equal(format.Date(row.CreatedAt), Field(html, "Created"));
        Assert.Equal($"Run {row.RunId}", Field(html, "Run"));
        Assert.Contains($"href=\"/invoices?run={row.RunId}\"", html, StringComparison.Ordinal);
        Assert.Equal(format.Money(row.Subtotal), Field(html, "Subtotal"));
        Assert.Equal("15%", Field(html, "VAT rate"));
        Assert.Equal(format.Money(row.VatAmount), Field(html, "VAT"));
        Assert.Equal(format.Money(row.TotalAmount), Field(html, "Total"));
        Assert.Contains($"href=\"/invoices/{row.InvoiceNumber}/pdf\"", html, StringComparison.Ordinal);
        Assert.Contains("<h1 id=\"invoice-title\">Invoice " + row.InvoiceNumber + "</h1>", html, StringComparison.Ordinal);

        Assert.Equal(id > 1 ? $"/invoices/INV-{id - 1:D7}" : null, Link(html, "prev"));
        Assert.Equal(id < InvoiceDocumentsData.Count ? $"/invoices/INV-{id + 1:D7}" : null, Link(html, "next"));
    }

    [Fact]
    public async Task Detail_KeepsTheExplorersFilterOnItsLinks_AndDropsAnInvalidOne()
    {
        var html = await GetHtmlAsync("/invoices/INV-0000005?seller=Seller%205&sort=total&dir=asc");
        Assert.Contains("href=\"/invoices?seller=Seller%205&amp;sort=total&amp;dir=asc\"", html, StringComparison.Ordinal);
        Assert.Equal("/invoices/INV-0000004?seller=Seller%205&amp;sort=total&amp;dir=asc", Link(html, "prev"));

        var invalid = await GetHtmlAsync("/invoices/INV-0000005?min=abc");
        Assert.Contains("href=\"/invoices\"", invalid, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/invoices/INV-9999999")]
    [InlineData("/invoices/INV-0000000")]
    [InlineData("/invoices/INV-42")]
    [InlineData("/invoices/inv-0000001")]
    [InlineData("/invoices/not-a-number")]
    [InlineData("/invoices/INV-9999999/pdf")]
    [InlineData("/invoices/INV-1/pdf")]
    public async Task AnUnknownOrMalformedNumber_IsTheFriendly404_ForBrowsers_AndProblemJsonForJsonClients(string path)
    {
        using var client = data.App.CreateClient();
        using var page = new HttpRequestMessage(HttpMethod.Get, path);
        page.Headers.Accept.ParseAdd("text/html");
        var html = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.NotFound, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var body = await html.Content.ReadAsStringAsync();
        Assert.Contains(StatusTexts.Title(404), body, StringComparison.Ordinal);
        Assert.Contains("Back to the dashboard", body, StringComparison.Ordinal);

        using var api = new HttpRequestMessage(HttpMethod.Get, path);
        api.Headers.Accept.ParseAdd("application/json");
        var json = await client.SendAsync(api);
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(31)]
    public async Task Pdf_IsAnInlineInvoiceDocument_WhoseTextIsTheDatabaseRow(long id)
    {
        var row = await InvoiceDocumentsData.RowAsync(data.App.Database, id);
        var format = data.App.Service<DashboardFormatter>();
        using var client = data.App.CreateClient();

        var response = await client.GetAsync($"/invoices/{row.InvoiceNumber}/pdf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("inline", disposition?.DispositionType);
        Assert.Equal($"{row.InvoiceNumber}.pdf", disposition?.FileName?.Trim('"'));

        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, pdf.NumberOfPages);
        var text = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
        string[] expected =
        [
            "Invoice " + row.InvoiceNumber, "SELLER", "BUYER",
            "Invoice date " + format.Date(row.InvoiceDate) + " UTC", "Created " + format.Date(row.CreatedAt) + " UTC", $"Run {row.RunId}",
            "Subtotal " + format.Money(row.Subtotal), "VAT (15%) " + format.Money(row.VatAmount), "Total " + format.Money(row.TotalAmount),
        ];
        foreach (var part in expected)
        {
            Assert.True(text.Contains(part, StringComparison.Ordinal), $"The PDF's text lacks \"{part}\": {text}");
        }

        // A name may wrap inside its block (a long word anywhere): compare it without the breaks.
        // Letters in the order they were drawn (seller lines, then buyer lines), spaces dropped.
        var compact = string.Concat(pdf.GetPage(1).Letters.Select(l => l.Value)).Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains(row.SellerName.Replace(" ", "", StringComparison.Ordinal), compact, StringComparison.Ordinal);
        Assert.Contains(row.BuyerName.Replace(" ", "", StringComparison.Ordinal), compact, StringComparison.Ordinal);
        Assert.Equal($"Invoice {row.InvoiceNumber}", pdf.Information.Title);
    }

    private async Task<string> GetHtmlAsync(string path)
    {
        using var client = data.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The text of a field's definition (tags stripped, entities decoded).</summary>
    private static string Field(string html, string name)
    {
        var match = Regex.Match(html, $"<div data-field=\"{Regex.Escape(name)}\"[^>]*><dt>[^<]*</dt><dd>(.*?)</dd></div>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no field {name}");
        return WebUtility.HtmlDecode(TagPattern().Replace(match.Groups[1].Value, ""));
    }

    private static string? Link(string html, string rel)
    {
        var match = Regex.Match(html, $"<a rel=\"{rel}\" href=\"([^\"]*)\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
