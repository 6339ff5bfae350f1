using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Pages;

/// <summary>
/// The invoice explorer at /invoices as docs/ui-contract.md describes it: the filter form (every field
/// by its label), the count and sums, the matching invoices and, in a newest-first order, the live stream.
/// </summary>
public sealed class ExplorerPage(IPage page)
{
    public IPage Page { get; } = page;
    public ILocator Search => Page.GetByLabel("Search", new() { Exact = true });
    public ILocator Seller => Page.GetByLabel("Seller", new() { Exact = true });
    public ILocator Buyer => Page.GetByLabel("Buyer", new() { Exact = true });
    public ILocator From => Page.GetByLabel("From", new() { Exact = true });
    public ILocator To => Page.GetByLabel("To", new() { Exact = true });
    public ILocator MinTotal => Page.GetByLabel("Minimum total", new() { Exact = true });
    public ILocator MaxTotal => Page.GetByLabel("Maximum total", new() { Exact = true });
    public ILocator Run => Page.GetByLabel("Run", new() { Exact = true });
    public ILocator SortBy => Page.GetByLabel("Sort by", new() { Exact = true });
    public ILocator Direction => Page.GetByLabel("Direction", new() { Exact = true });
    public ILocator ApplyButton => Page.GetByRole(AriaRole.Button, new() { Name = "Apply filters", Exact = true });
    public ILocator ClearLink => Page.GetByRole(AriaRole.Search).GetByRole(AriaRole.Link, new() { Name = "Clear filters", Exact = true });
    public ILocator DownloadCsv => Page.GetByRole(AriaRole.Link, new() { Name = "Download CSV", Exact = true });
    public ILocator Grid => Page.GetByRole(AriaRole.Table, new() { Name = "Matching invoices" });
    public ILocator Rows => Grid.Locator("tbody > tr[data-invoice-id]");

    /// <summary>The row of invoice <paramref name="id"/> (an out-of-band swap keeps its id).</summary>
    public InvoiceRow Row(long id) => new(Grid.Locator($"tbody > tr[data-invoice-id='{id}']"));
    public ILocator EveryMatchCell => Page.GetByRole(AriaRole.Cell, new() { Name = "That's every match" });
    public ILocator NoMatchCell => Page.GetByRole(AriaRole.Cell, new() { NameRegex = new("^No invoice matches these filters") });

    public ILocator Figure(string name) => Page.GetByRole(AriaRole.Group, new() { Name = name, Exact = true });

    /// <summary>Opens the explorer at <paramref name="query"/> ("" = every invoice) and waits for its count to load.</summary>
    public async Task GotoAsync(string query = "")
    {
        await Page.GotoAsync("/invoices" + (query.Length > 0 ? "?" + query : ""), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(Figure("Matches")).ToBeVisibleAsync();
    }

    /// <summary>Submits the form as a user does (Enter in a field) and waits for the swapped region's count.</summary>
    public async Task ApplyAsync()
    {
        var before = Page.Url;
        await ApplyButton.ClickAsync();
        await Page.WaitForFunctionAsync("u => location.href !== u", before);
        await Expect(Figure("Matches")).ToBeVisibleAsync();
    }

    /// <summary>Waits until the page's SSE stream has opened (at least <paramref name="opens"/> times).</summary>
    public Task WaitForStreamAsync(int opens = 1) =>
        Page.WaitForFunctionAsync("n => window.__sse && window.__sse.opens >= n", opens);

    public async Task<long[]> RowIdsAsync() =>
        await Page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('#explorer-rows > tr[data-invoice-id]')].map(r => +r.dataset.invoiceId)");

    /// <summary>The rows' cells as the user reads them: number, date, seller, buyer, subtotal, VAT, total.</summary>
    public async Task<string[][]> CellsAsync() =>
        await Page.EvaluateAsync<string[][]>("() => [...document.querySelectorAll('#explorer-rows > tr[data-invoice-id]')].map(r => [...r.cells].map(c => c.innerText.trim()))");

    public async Task<decimal> FigureValueAsync(string name) =>
        decimal.Parse(await Figure(name).Locator("[data-value]").GetAttributeAsync("data-value") ?? "", CultureInfo.InvariantCulture);
}
