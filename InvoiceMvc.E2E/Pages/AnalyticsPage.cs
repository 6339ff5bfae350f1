using Microsoft.Playwright;

namespace InvoiceMvc.E2E.Pages;

/// <summary>The analytics page (/analytics), found the way a user finds things: by role, label and name.</summary>
public sealed class AnalyticsPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator From => Page.GetByLabel("From (UTC day)");
    public ILocator To => Page.GetByLabel("To (UTC day)");
    public ILocator Bucket => Page.GetByLabel("Bucket");
    public ILocator Show => Page.GetByRole(AriaRole.Button, new() { Name = "Show" });
    public ILocator Chart => Page.Locator("#analytics-chart svg[role=img]");
    public ILocator Empty => Page.GetByText("No invoices in this range.").First;
    public ILocator TopSellers => Page.Locator("#top-sellers");
    public ILocator DataTableToggle => Page.GetByText("Data table", new() { Exact = true });
    public ILocator DataTable => Page.Locator("#analytics-table table");

    public async Task GotoAsync(string query = "")
    {
        await Page.GotoAsync("/analytics" + (query.Length > 0 ? "?" + query : ""));
    }

    /// <summary>The newest invoice the chart counts (0 while it shows none).</summary>
    public async Task<long> ChartAsOfAsync() =>
        long.Parse(await Page.Locator("#analytics-chart [data-as-of]").GetAttributeAsync("data-as-of") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits until the page's one stream is open (the htmx SSE extension reports it).</summary>
    public Task WaitForStreamAsync() => Page.WaitForFunctionAsync("() => window.__sse && window.__sse.opens >= 1");
}
