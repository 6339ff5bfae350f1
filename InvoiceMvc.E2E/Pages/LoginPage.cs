using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Pages;

/// <summary>The sign-in form at /account/login.</summary>
public sealed partial class LoginPage(IPage page)
{
    public IPage Page { get; } = page;
    public ILocator UserName => Page.GetByLabel("User name");
    public ILocator Password => Page.GetByLabel("Password");
    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });
    public ILocator Errors => Page.GetByRole(AriaRole.Alert);

    /// <summary>Opens the form and waits until its heading shows (not for the `load` event: see <see cref="SignInAsync"/>).</summary>
    public async Task GotoAsync(string? returnUrl = null)
    {
        await Page.GotoAsync(returnUrl is null ? "/account/login" : $"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", new() { WaitUntil = WaitUntilState.Commit });
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// Fills the form, submits it, and waits until the browser shows another page. A retrying
    /// expectation on the address, not WaitForURLAsync: that one subscribes to the navigation event
    /// after checking the address, so on a busy machine it can miss a navigation that lands in
    /// between and then wait out its timeout on a page that has long loaded (playwright-dotnet
    /// issue 3364); it also waits for the `load` event, which is not what the user waits for.
    /// Callers then wait for what the landing page shows.
    /// </summary>
    public async Task SignInAsync(string userName, string password)
    {
        await UserName.FillAsync(userName);
        await Password.FillAsync(password);
        await SignInButton.ClickAsync();
        await Expect(Page).Not.ToHaveURLAsync(SignInAddress());
    }

    [GeneratedRegex("/account/login", RegexOptions.IgnoreCase)]
    private static partial Regex SignInAddress();
}
