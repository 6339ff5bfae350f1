using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>
/// The explorer's status filter and Clock:ShiftDays over HTTP: twelve invoices issued just now, some
/// paid in full, some in part, one void, and "today" shifted 45 days on (15 days past their 30-day
/// terms), so the unpaid ones are overdue. Each status lists exactly the invoices SQL written here
/// selects, and the detail page, the summary and the aging report agree.
/// </summary>
public sealed partial class InvoiceStatusFilterTests : IAsyncLifetime
{
    private DashboardApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await DashboardApp.StartAsync(new Dictionary<string, string?> { ["Clock:ShiftDays"] = "45" }, seedInvoices: 12);
        await _app.Database.ExecuteAsync("""
            INSERT INTO payments (invoice_id, amount, method, paid_on, recorded_by, idempotency_key)
            SELECT id, CASE WHEN id IN (2, 5) THEN total_amount ELSE 1.00 END, 0, (invoice_date AT TIME ZONE 'UTC')::date, 'test', gen_random_uuid()
              FROM invoices WHERE id IN (2, 5, 7);
            UPDATE invoices SET voided_at = now(), voided_by = 'admin', void_reason = 'issued twice' WHERE id = 9;
            """);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("paid", "voided_at IS NULL AND paid_amount = total_amount")]
    [InlineData("overdue", "voided_at IS NULL AND paid_amount < total_amount")] // every unpaid one is 15 days past due
    [InlineData("void", "voided_at IS NOT NULL")]
    public async Task EachStatus_ListsExactlyItsInvoices_WithACountThatAgrees(string status, string where)
    {
        using var client = _app.CreateClient();
        var expected = await _app.Database.ScalarAsync<long[]>($"SELECT array_agg(id ORDER BY id DESC) FROM invoices WHERE {where}");

        var html = await client.GetStringAsync("/invoices?status=" + status);
        var summary = await client.GetStringAsync("/invoices/summary?status=" + status);

        Assert.Equal(expected, RowIds(html));
        Assert.Contains($"<option value=\"{status}\" selected=\"selected\">", html, StringComparison.Ordinal);
        Assert.Contains($"data-value=\"{expected.Length.ToString(CultureInfo.InvariantCulture)}\"", summary, StringComparison.Ordinal);
        var json = await client.GetStringAsync("/api/invoices?status=" + status);
        Assert.Equal(expected.Length, Regex.Count(json, $"\"status\":\"{status}\""));
    }

    [Fact]
    public async Task OnTheShiftedDay_NothingIsOpen_APartPaymentPastItsDueDateIsOverdue_AndAgingHoldsItIn1To30Days()
    {
        using var client = _app.CreateClient();

        Assert.Contains("No invoice matches these filters.", await client.GetStringAsync("/invoices?status=open"), StringComparison.Ordinal);
        Assert.Contains("No invoice matches these filters.", await client.GetStringAsync("/invoices?status=partially-paid"), StringComparison.Ordinal);
        var detail = await client.GetStringAsync("/invoices/INV-0000007");
        Assert.Matches("data-field=\"Status\"><dt>Status</dt><dd><span class=\"invoice-status status-overdue\">Overdue</span>", detail);

        var receivable = await _app.Database.ScalarAsync<decimal>("SELECT sum(total_amount - paid_amount) FROM invoices WHERE voided_at IS NULL");
        var aging = await client.GetStringAsync("/reports/aging");
        var total = Regex.Match(aging, "data-row=\"total\">[\\s\\S]*?</tr>").Value;
        var cells = Regex.Matches(total, "<td data-label=\"([^\"]+)\" class=\"col-money\">([^<]+)</td>").ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var text = "$" + receivable.ToString("N2", CultureInfo.InvariantCulture);
        Assert.Equal(text, cells["1-30 days"]);
        Assert.Equal("$0.00", cells["Current"]);
        Assert.Equal(text, cells["Total"]);
    }

    [GeneratedRegex("<tr data-invoice-id=\"(\\d+)\"")]
    private static partial Regex RowId();

    private static long[] RowIds(string html) =>
        [.. RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];
}
