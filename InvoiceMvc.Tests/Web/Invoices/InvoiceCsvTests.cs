using System.Globalization;
using System.Net;
using System.Text.Json;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Web.Invoices;
using Npgsql;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>GET /invoices/export.csv: the explorer's filter, every matching row in its order, totals equal SQL, no formula runs.</summary>
public sealed class InvoiceCsvTests(InvoiceDocumentsData data) : IClassFixture<InvoiceDocumentsData>
{
    public static TheoryData<string, string, string> Filters => new()
    {
        { "", "", "ORDER BY id DESC" },
        { "seller=Seller%203", "WHERE seller_name = 'Seller 3'", "ORDER BY id DESC" },
        { "min=10&max=30&sort=total&dir=asc", "WHERE total_amount BETWEEN 10 AND 30", "ORDER BY total_amount, id" },
        { "q=seller%201&sort=seller", "WHERE seller_name ILIKE '%seller 1%' OR buyer_name ILIKE '%seller 1%' OR invoice_number ILIKE '%seller 1%'", "ORDER BY seller_name DESC, id DESC" },
        { "run=1&sort=date&dir=asc", "WHERE run_id = 1", "ORDER BY invoice_date, id" },
        { "min=11.50&max=23", "WHERE total_amount BETWEEN 11.50 AND 23", "ORDER BY id DESC" },
        { "status=open&max=20", $"WHERE voided_at IS NULL AND paid_amount = 0 AND due_date >= {TodaySql} AND total_amount <= 20", "ORDER BY id DESC" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Export_HasTheHeader_EveryMatchingRowInOrder_AndATotalsRowEqualToSql(string query, string where, string orderBy)
    {
        var expected = await InvoiceDocumentsData.RowsAsync(data.App.Database, where, orderBy);
        Assert.NotEmpty(expected);
        using var client = data.App.CreateClient();

        var response = await client.GetAsync("/invoices/export.csv?" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches(@"^invoices-\d{4}-\d{2}-\d{2}\.csv$", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var records = Rfc4180.Parse(await response.Content.ReadAsStringAsync());
        var lifecycle = await LifecycleCellsAsync(where);
        Assert.Equal(InvoiceCsv.Header, records[0]);
        var rows = records[1..^1];
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            Assert.Equal(
                [e.InvoiceNumber, Iso(e.InvoiceDate), Cell(e.SellerName), Cell(e.BuyerName), Invariant(e.Subtotal), Invariant(e.VatRate),
                 Invariant(e.VatAmount), Invariant(e.TotalAmount), e.RunId.ToString(CultureInfo.InvariantCulture), Iso(e.CreatedAt),
                 .. lifecycle[e.InvoiceNumber]],
                rows[i]);
        }

        var totals = await SumsAsync(where);
        Assert.Equal(["TOTAL", expected.Count.ToString(CultureInfo.InvariantCulture), "", "", Invariant(totals.Subtotal), "",
                      Invariant(totals.Vat), Invariant(totals.Total), "", "", "",
                      Invariant(lifecycle.Values.Sum(c => decimal.Parse(c[1], CultureInfo.InvariantCulture))),
                      Invariant(lifecycle.Values.Sum(c => decimal.Parse(c[2], CultureInfo.InvariantCulture))), ""], records[^1]);
    }

    [Fact]
    public async Task Export_NeutralisesEveryCellThatASpreadsheetWouldRunAsAFormula()
    {
        using var client = data.App.CreateClient();
        var text = await client.GetStringAsync("/invoices/export.csv?sort=number&dir=asc");
        var records = Rfc4180.Parse(text);
        var byNumber = records[1..^1].ToDictionary(r => r[0]);

        // Quoted, with a single quote in front: Excel, LibreOffice and Sheets show it as text.
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"", text, StringComparison.Ordinal);
        Assert.Equal(["'" + InvoiceDocumentsData.Hyperlink, "'@x"], byNumber["INV-0000031"][2..4]);
        Assert.Equal(["'+1", "'-2"], byNumber["INV-0000032"][2..4]);
        Assert.Contains("\"'+1\",\"'-2\"", text, StringComparison.Ordinal);
        // No cell at all starts like a formula.
        Assert.DoesNotContain(records.SelectMany(r => r), c => c.Length > 0 && "=+-@\t\r".Contains(c[0], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=2026-12-02&to=2026-12-01", "to")]
    [InlineData("min=-1", "min")]
    [InlineData("min=abc", "min")]
    [InlineData("max=1.234", "max")]
    [InlineData("status=late", "status")]
    [InlineData("min=5&max=1", "max")]
    [InlineData("sort=price", "sort")]
    [InlineData("dir=up", "dir")]
    [InlineData("run=0", "run")]
    [InlineData("cursor=x", "cursor")]
    public async Task Export_AnswersABadFilterWith400ProblemDetailsNamingTheField(string query, string field)
    {
        using var client = data.App.CreateClient();
        var response = await client.GetAsync("/invoices/export.csv?" + query);
        await AssertValidationProblemAsync(response, field);
    }

    [Fact]
    public async Task Export_RefusesSearchTextOver200Characters()
    {
        using var client = data.App.CreateClient();
        var response = await client.GetAsync("/invoices/export.csv?q=" + new string('a', 201));
        await AssertValidationProblemAsync(response, "q");
    }

    internal static async Task AssertValidationProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {errors}");
        Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        Assert.DoesNotContain("Exception", problem.RootElement.ToString(), StringComparison.Ordinal);
    }

    private async Task<(decimal Subtotal, decimal Vat, decimal Total)> SumsAsync(string where)
    {
        await using var cmd = data.App.Database.DataSource.CreateCommand($"SELECT sum(subtotal), sum(vat_amount), sum(total_amount) FROM invoices {where}");
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetDecimal(0), r.GetDecimal(1), r.GetDecimal(2));
    }

    /// <summary>Today's UTC date in SQL: the day the export judges statuses on.</summary>
    private const string TodaySql = "(now() AT TIME ZONE 'UTC')::date";

    /// <summary>Each invoice's due date, paid amount, amount due and status key, by SQL written here.</summary>
    private async Task<Dictionary<string, string[]>> LifecycleCellsAsync(string where)
    {
        await using var cmd = data.App.Database.DataSource.CreateCommand($"""
            SELECT invoice_number, to_char(due_date, 'YYYY-MM-DD'), paid_amount,
                   CASE WHEN voided_at IS NOT NULL THEN 0 ELSE total_amount - paid_amount END,
                   CASE WHEN voided_at IS NOT NULL THEN 'void' WHEN paid_amount = total_amount THEN 'paid'
                        WHEN due_date < {TodaySql} THEN 'overdue' WHEN paid_amount > 0 THEN 'partially-paid' ELSE 'open' END
              FROM invoices {where}
            """);
        var cells = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            cells[r.GetString(0)] = [r.GetString(1), Invariant(r.GetDecimal(2)), Invariant(r.GetDecimal(3)), r.GetString(4)];
        }

        return cells;
    }

    private static string Cell(string text) => "=+-@".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
}
