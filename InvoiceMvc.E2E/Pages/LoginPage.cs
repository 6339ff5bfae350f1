using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Pages;

/// <summary>The sign-in form at /account/login.</summary>
public sealed class LoginPage(IPage page)
{
    public IPage Page { get; } = page;
    public ILocator UserName => Page.GetByLabel("User name");
    public ILocator Password => Page.GetByLabel("Password");
    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });
    public ILocator Errors => Page.GetByRole(AriaRole.Alert);

    public async Task GotoAsync(string? returnUrl = null)
    {
        await Page.GotoAsync(returnUrl is null ? "/account/login" : $"/account/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }

    /// <summary>Fills the form, submits it, and waits until the browser has left the sign-in page.</summary>
    public async Task SignInAsync(string userName, string password)
    {
        await UserName.FillAsync(userName);
        await Password.FillAsync(password);
        await SignInButton.ClickAsync();
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.OrdinalIgnoreCase));
    }
}
