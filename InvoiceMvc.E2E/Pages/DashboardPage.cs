using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Pages;

/// <summary>
/// The dashboard at / as docs/ui-contract.md describes it: START/STOP, the status, four stat cards
/// and the invoice grid fed by the page's one SSE stream.
/// </summary>
public sealed partial class DashboardPage(IPage page)
{
    /// <summary>
    /// Added to every context before any page script: counts the SSE stream's opens and errors as
    /// htmx reports them, so a journey can wait for the stream instead of sleeping.
    /// </summary>
    public const string StreamProbeScript = """
        (() => {
          window.__sse = { opens: 0, errors: 0 };
          document.addEventListener('htmx:sseOpen', () => { window.__sse.opens++; });
          document.addEventListener('htmx:sseError', () => { window.__sse.errors++; });
        })();
        """;

    /// <summary>Amounts as the default Display:Culture (en-US) shows them.</summary>
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public IPage Page { get; } = page;
    public ILocator StartButton => Page.GetByRole(AriaRole.Button, new() { Name = "START", Exact = true });
    public ILocator StopButton => Page.GetByRole(AriaRole.Button, new() { Name = "STOP", Exact = true });
    public ILocator Status => Page.GetByRole(AriaRole.Status);
    public ILocator StateBadge => Status.Locator("[data-state]");
    public ILocator Flash => Page.Locator("#flash");
    public ILocator Grid => Page.GetByRole(AriaRole.Table, new() { Name = "Invoices" });
    public ILocator Rows => Grid.Locator("tbody > tr[data-invoice-id]");

    /// <summary>The row of invoice <paramref name="id"/> (an out-of-band swap keeps its id).</summary>
    public InvoiceRow Row(long id) => new(Grid.Locator($"tbody > tr[data-invoice-id='{id}']"));

    public ILocator NewInvoicesButton => Page.GetByRole(AriaRole.Button, new() { NameRegex = NewInvoicesName() });
    public ILocator EveryInvoiceCell => Page.GetByRole(AriaRole.Cell, new() { Name = "That's every invoice" });
    public ILocator NoInvoicesCell => Page.GetByRole(AriaRole.Cell, new() { Name = "No invoices yet. Press START to generate some." });

    public ILocator SignOutButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true });

    public ILocator Card(string name) => Page.GetByRole(AriaRole.Group, new() { Name = name, Exact = true });

    /// <summary>
    /// Opens the dashboard and waits until it is live: its stream open. Navigations return at the
    /// commit, not at the `load` event, and the journey then waits for what the user sees.
    /// </summary>
    public async Task GotoAsync()
    {
        await Page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        await WaitForStreamAsync();
    }

    public async Task ReloadAsync()
    {
        await Page.ReloadAsync(new() { WaitUntil = WaitUntilState.Commit });
        await WaitForStreamAsync();
    }

    /// <summary>Waits until the page says who is signed in and offers to sign out: what a user looks for after signing in.</summary>
    public async Task ExpectSignedInAsAsync(string userName)
    {
        await Expect(Page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();
        await Expect(SignOutButton).ToBeVisibleAsync();
    }

    /// <summary>Waits until the page's SSE stream has opened (at least <paramref name="opens"/> times).</summary>
    public Task WaitForStreamAsync(int opens = 1) =>
        Page.WaitForFunctionAsync("n => window.__sse && window.__sse.opens >= n", opens);

    public Task<int> StreamOpensAsync() => Page.EvaluateAsync<int>("() => window.__sse.opens");

    public Task<int> StreamErrorsAsync() => Page.EvaluateAsync<int>("() => window.__sse.errors");

    /// <param name="state">idle | running | stopping | backlog</param>
    /// <param name="timeoutMs">Longer than the journey's default deadline, for a wait that spans a whole run.</param>
    public Task ExpectStateAsync(string state, float? timeoutMs = null) =>
        Expect(StateBadge).ToHaveAttributeAsync("data-state", state, new() { Timeout = timeoutMs });

    /// <summary>A card's raw invariant value (its data-value).</summary>
    public async Task<decimal> CardValueAsync(string name) =>
        decimal.Parse(await Card(name).Locator("[data-value]").GetAttributeAsync("data-value") ?? "", CultureInfo.InvariantCulture);

    /// <summary>Waits until a card's raw value satisfies <paramref name="condition"/> (a JS expression over v).</summary>
    public Task WaitForCardAsync(string name, string condition, float? timeoutMs = null) =>
        Page.WaitForFunctionAsync(
            $"n => {{ const e = [...document.querySelectorAll('[role=group]')].find(g => g.getAttribute('aria-label') === n); if (!e) return false; const v = +e.querySelector('[data-value]').dataset.value; return {condition}; }}",
            name, new() { Timeout = timeoutMs });

    public async Task<long[]> RowIdsAsync() =>
        await Page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('#invoice-rows > tr[data-invoice-id]')].map(r => +r.dataset.invoiceId)");

    /// <summary>Waits until the newest row on top is at least invoice <paramref name="id"/>.</summary>
    public Task WaitForTopRowAsync(long id, float? timeoutMs = null) =>
        Page.WaitForFunctionAsync(
            "n => +(document.querySelector('#invoice-rows > tr[data-invoice-id]')?.dataset.invoiceId ?? 0) >= n",
            id, new() { Timeout = timeoutMs });

    /// <summary>Every invoice row as the user reads it, top to bottom.</summary>
    public async Task<IReadOnlyList<GridRow>> ReadRowsAsync()
    {
        var cells = await Page.EvaluateAsync<string[][]>(
            "() => [...document.querySelectorAll('#invoice-rows > tr[data-invoice-id]')].map(r => [r.dataset.invoiceId, ...[...r.cells].map(c => c.innerText.trim())])");
        return [.. cells.Select(c => new GridRow(
            long.Parse(c[0], CultureInfo.InvariantCulture), c[1], c[2], c[3], c[4], Money(c[5]), Money(c[6]), Money(c[7])))];
    }

    /// <summary>Scrolls to the end of the grid until the "That's every invoice" row shows.</summary>
    public async Task ScrollToTheFirstInvoiceAsync(int maxPages = 60)
    {
        for (var i = 0; i < maxPages && !await EveryInvoiceCell.IsVisibleAsync(); i++)
        {
            var before = await Rows.CountAsync();
            await Rows.Last.ScrollIntoViewIfNeededAsync();
            await Page.WaitForFunctionAsync(
                "n => document.querySelectorAll('#invoice-rows > tr[data-invoice-id]').length > n || document.querySelector('#invoice-rows .end-row')",
                before);
        }

        await Expect(EveryInvoiceCell).ToBeVisibleAsync();
    }

    public static decimal Money(string text) => decimal.Parse(text, NumberStyles.Currency, Culture);

    [GeneratedRegex(@"^\d+ new invoices?$")]
    private static partial Regex NewInvoicesName();
}

/// <summary>One grid row as displayed.</summary>
public sealed record GridRow(long Id, string Number, string Date, string Seller, string Buyer, decimal Subtotal, decimal Vat, decimal Total);
