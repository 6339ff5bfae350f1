using Microsoft.Playwright;

namespace InvoiceMvc.E2E.Pages;

/// <summary>
/// One invoice's row in a grid (the dashboard's or the explorer's: both render the same row), its
/// cells by their data-label. The stream replaces the row in place when the invoice changes, so the
/// locator finds the new row, not a stale element.
/// </summary>
public sealed class InvoiceRow(ILocator row)
{
    public ILocator Locator { get; } = row;
    public ILocator Number => Cell("Invoice number");
    public ILocator Total => Cell("Total");
    public ILocator AmountDue => Cell("Amount due");
    public ILocator Status => Cell("Status");

    public ILocator Cell(string label) => Locator.Locator($"td[data-label='{label}']");
}
