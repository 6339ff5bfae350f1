using Microsoft.Playwright;

namespace InvoiceMvc.E2E.Pages;

/// <summary>The invoice detail page at /invoices/INV-...: its heading, its labelled fields and its links.</summary>
public sealed class InvoiceDetailPage(IPage page)
{
    public IPage Page { get; } = page;
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });
    public ILocator PdfLink => Page.GetByRole(AriaRole.Link, new() { Name = "Open the PDF" });
    public ILocator BackLink => Page.GetByRole(AriaRole.Link, new() { Name = "Back to the explorer" });
    public ILocator PreviousLink => Page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^← Previous") });
    public ILocator NextLink => Page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Next: ") });

    /// <summary>The value (definition) of the field whose term is <paramref name="term"/>.</summary>
    public ILocator Field(string term) => Page.Locator($"[data-field='{term}'] dd");

    public async Task GotoAsync(string number)
    {
        await Page.GotoAsync($"/invoices/{number}", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(Heading).ToHaveTextAsync($"Invoice {number}");
    }
}
