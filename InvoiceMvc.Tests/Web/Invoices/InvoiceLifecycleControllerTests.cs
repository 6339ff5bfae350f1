using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>One app on 40 seeded invoices for the lifecycle's pages and forms; each test works on invoices of its own.</summary>
public sealed class LifecycleApp : IAsyncLifetime
{
    public DashboardApp App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await DashboardApp.StartAsync(seedInvoices: 40);

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// The detail page's payment and void forms, posted as a browser posts them (antiforgery token, form
/// fields), against real PostgreSQL: what is recorded, what the page then shows, and every refusal
/// shown beside its field with nothing recorded.
/// </summary>
public sealed partial class InvoiceLifecycleControllerTests(LifecycleApp fixture) : IClassFixture<LifecycleApp>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private DashboardApp App => fixture.App;

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task APartialThenAFullPayment_AreRecorded_AndThePageShowsEach()
    {
        using var client = await SignedInAsync(TestAccounts.Operator);
        // INV-0000040: subtotal 50.20, VAT 7.53, total 57.73.
        var first = await PayAsync(client, "INV-0000040", "20.00", key: Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/invoices/INV-0000040", first.Headers.Location?.OriginalString);

        var page = await client.GetStringAsync("/invoices/INV-0000040");
        Assert.Contains("Payment of $20.00 recorded. Balance $37.73.", page, StringComparison.Ordinal);
        Assert.Equal("Partially paid", Field(page, "Status"));
        Assert.Equal("$37.73", Field(page, "Amount due"));
        Assert.Contains("Payment of $20.00 by bank transfer, reference REF-1, paid on " + Today, page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(client, "INV-0000040", "37.73", key: Guid.NewGuid())).StatusCode);
        page = await client.GetStringAsync("/invoices/INV-0000040");
        Assert.Equal("Paid", Field(page, "Status"));
        Assert.Equal("$0.00", Field(page, "Amount due"));
        Assert.DoesNotContain("Record a payment", page, StringComparison.Ordinal); // nothing left to pay
        Assert.Equal(57.73m, await App.Database.ScalarAsync<decimal>("SELECT paid_amount FROM invoices WHERE id = 40"));
        Assert.Equal(2L, await App.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'Payment' AND user_name = 'operator' AND invoice_id = 40"));
    }

    [Fact]
    public async Task ADoubleSubmit_RecordsOnce()
    {
        using var client = await SignedInAsync(TestAccounts.Operator);
        var key = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(client, "INV-0000039", "5.00", key)).StatusCode);
        var again = await PayAsync(client, "INV-0000039", "5.00", key);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("already recorded", await client.GetStringAsync("/invoices/INV-0000039"), StringComparison.Ordinal);
        Assert.Equal(1L, await App.Database.ScalarAsync<long>("SELECT count(*) FROM payments WHERE invoice_id = 39"));
    }

    [Theory]
    [InlineData("abc", null, "Amount", "Enter the amount as a number")]
    [InlineData("0", null, "Amount", "The amount must be more than 0.")]
    [InlineData("1.005", null, "Amount", "at most 2 decimals")]
    [InlineData("-5", null, "Amount", "Enter the amount as a number")]
    [InlineData("9999.00", null, "Amount", "balance")]
    [InlineData("1.00", "2999-01-01", "PaidOn", "cannot be in the future")]
    [InlineData("1.00", "2000-01-01", "PaidOn", "before")]
    [InlineData("1.00", "yesterday", "PaidOn", "Enter the payment date as a date")]
    public async Task ABadPayment_IsRefusedBesideItsField_KeepsTheInput_AndRecordsNothing(string amount, string? paidOn, string field, string message)
    {
        using var client = await SignedInAsync(TestAccounts.Operator);
        var response = await PayAsync(client, "INV-0000038", amount, Guid.NewGuid(), paidOn: paidOn);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var id = field == "Amount" ? "p-amount" : "p-paid-on";
        var error = Regex.Match(html, $"<p id=\"{id}-error\" class=\"field-error\">([^<]*)</p>");
        Assert.True(error.Success, $"a message beside {field}");
        Assert.Contains(message, WebUtility.HtmlDecode(error.Groups[1].Value), StringComparison.Ordinal);
        Assert.Contains($"value=\"{WebUtility.HtmlEncode(field == "Amount" ? amount : paidOn)}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
        Assert.Equal(0L, await App.Database.ScalarAsync<long>("SELECT count(*) FROM payments WHERE invoice_id = 38"));
    }

    [Fact]
    public async Task Void_IsAdminOnly_NeedsAReason_AndKeepsTheNumber()
    {
        using var anonymous = App.CreateClient();
        using var operatorClient = await SignedInAsync(TestAccounts.Operator);
        Assert.Equal(HttpStatusCode.Forbidden, (await VoidAsync(operatorClient, "INV-0000037", "duplicate order")).StatusCode);
        Assert.DoesNotContain("Void this invoice", await operatorClient.GetStringAsync("/invoices/INV-0000037"), StringComparison.Ordinal);

        using var admin = await SignedInAsync(TestAccounts.Admin);
        var blank = await VoidAsync(admin, "INV-0000037", "  ");
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Contains("<p id=\"v-reason-error\" class=\"field-error\">", await blank.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await VoidAsync(admin, "INV-0000037", "duplicate order")).StatusCode);
        var page = await anonymous.GetStringAsync("/invoices/INV-0000037");
        Assert.Equal("Void", Field(page, "Status"));
        Assert.Contains("Voided: duplicate order", page, StringComparison.Ordinal);
        Assert.Equal("INV-0000037", await App.Database.ScalarAsync<string>("SELECT invoice_number FROM invoices WHERE id = 37 AND voided_at IS NOT NULL"));

        // A void invoice takes no payment: a clear message, not a 500.
        var pay = await PayAsync(admin, "INV-0000037", "1.00", Guid.NewGuid());
        Assert.Equal(HttpStatusCode.BadRequest, pay.StatusCode);
        Assert.Contains("is void", await pay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posts_NeedARole_AndAnAntiforgeryToken()
    {
        using var anonymous = App.CreateClient();
        var token = await AntiforgeryClient.FetchTokenAsync(anonymous);
        var response = await anonymous.PostAsync("/invoices/INV-0000036/payments", Form(token, "1.00", Guid.NewGuid(), Today));
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"anonymous: {(int)response.StatusCode}");
        Assert.DoesNotContain("Record a payment", await anonymous.GetStringAsync("/invoices/INV-0000036"), StringComparison.Ordinal);

        using var client = await SignedInAsync(TestAccounts.Operator);
        var noToken = await client.PostAsync("/invoices/INV-0000036/payments", Form(null, "1.00", Guid.NewGuid(), Today));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(0L, await App.Database.ScalarAsync<long>("SELECT count(*) FROM payments WHERE invoice_id = 36"));
    }

    [Fact]
    public async Task APayment_ReachesTheDetailPagesStream_AndTheDashboardsRow_AsItIsNow()
    {
        await using var detail = await App.StreamAsync("/events?invoice=INV-0000035");
        await using var dashboard = await App.StreamAsync("/events");
        await dashboard.UntilAsync(e => e.Type == "status", Wait, "the dashboard's first status");

        using var client = await SignedInAsync(TestAccounts.Operator);
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(client, "INV-0000035", "10.00", Guid.NewGuid())).StatusCode);

        var (live, _) = await detail.UntilAsync(e => e.Type == "changed", Wait, "the detail page's changed standing");
        Assert.Contains("id=\"invoice-live\"", live.Data, StringComparison.Ordinal);
        Assert.Contains("hx-swap-oob=\"true\"", live.Data, StringComparison.Ordinal);
        Assert.Contains("Partially paid", live.Data, StringComparison.Ordinal);
        Assert.Contains("Payment of $10.00", live.Data, StringComparison.Ordinal);

        var (row, _) = await dashboard.UntilAsync(e => e.Type == "changed", Wait, "the dashboard's changed row");
        Assert.Contains("id=\"invoice-35\"", row.Data, StringComparison.Ordinal);
        Assert.Contains("Partially paid", row.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLedgerBalances_AndTheAgingTotalIsWhatIsReceivable()
    {
        using var client = await SignedInAsync(TestAccounts.Operator);
        Assert.Equal(HttpStatusCode.Redirect, (await PayAsync(client, "INV-0000034", "3.00", Guid.NewGuid())).StatusCode);

        var ledger = await client.GetStringAsync("/ledger");
        Assert.Contains("Difference $0.00", ledger, StringComparison.Ordinal);
        Assert.Contains("Debits equal credits", ledger, StringComparison.Ordinal);
        var receivable = await App.Database.ScalarAsync<decimal>("SELECT sum(total_amount - paid_amount) FROM invoices WHERE voided_at IS NULL");
        var receivableText = "$" + receivable.ToString("N2", CultureInfo.InvariantCulture);
        Assert.Matches($"data-account=\"1100\">[\\s\\S]*?<td data-label=\"Balance\" class=\"col-money\">{Regex.Escape(receivableText)}</td>", ledger);

        var aging = await client.GetStringAsync("/reports/aging");
        Assert.Matches($"data-row=\"total\">[\\s\\S]*?<td data-label=\"Total\" class=\"col-money\">{Regex.Escape(receivableText)}</td>", aging);

        var journal = await client.GetStringAsync("/ledger?account=1000");
        Assert.Contains("INV-0000034", journal, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/ledger?account=9999")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/ledger?before=abc")).StatusCode);
        var badAfter = await client.GetAsync("/reports/aging?after=-1");
        Assert.Equal(HttpStatusCode.BadRequest, badAfter.StatusCode);
        Assert.Contains("after must be a buyer's id", await badAfter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignedInAsync(string user)
    {
        var client = App.CreateClient();
        await AntiforgeryClient.SignInAsync(client, user);
        return client;
    }

    private static async Task<HttpResponseMessage> PayAsync(HttpClient client, string number, string amount, Guid key, string? paidOn = null)
    {
        var token = await AntiforgeryClient.FetchTokenAsync(client);
        return await client.PostAsync($"/invoices/{number}/payments", Form(token, amount, key, paidOn ?? Today));
    }

    private static async Task<HttpResponseMessage> VoidAsync(HttpClient client, string number, string reason)
    {
        var token = await AntiforgeryClient.FetchTokenAsync(client);
        return await client.PostAsync($"/invoices/{number}/void", new FormUrlEncodedContent([
            new KeyValuePair<string, string>("__RequestVerificationToken", token),
            new KeyValuePair<string, string>("reason", reason)]));
    }

    private static FormUrlEncodedContent Form(string? token, string amount, Guid key, string paidOn)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Amount", amount), new("Method", "BankTransfer"), new("Reference", "REF-1"), new("PaidOn", paidOn), new("IdempotencyKey", key.ToString()),
        };
        if (token is not null)
        {
            fields.Add(new("__RequestVerificationToken", token));
        }

        return new FormUrlEncodedContent(fields);
    }

    private static string? Field(string html, string name)
    {
        var m = Regex.Match(html, $"<div data-field=\"{Regex.Escape(name)}\"[^>]*><dt>[^<]*</dt><dd>(?:<[^>]+>)*([^<]*)");
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }
}
