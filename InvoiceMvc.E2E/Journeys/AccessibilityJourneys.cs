using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Playwright;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>axe-core (Deque.AxeCore.Playwright) over the real pages: no serious or critical violation.</summary>
public sealed class AccessibilityJourneys
{
    // WCAG 2.x A and AA, plus axe's best practices.
    private static readonly AxeRunOptions Rules = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    };

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task Dashboard_Idle_AndSignIn_HaveNoSeriousOrCriticalViolations(ColorScheme scheme) => Journey.RunAsync(async j =>
    {
        var anonymous = await j.OpenDashboardAsync(options: new() { ColorScheme = scheme }, label: $"anonymous-{scheme}");
        await anonymous.ExpectStateAsync("idle");
        await AssertAccessibleAsync(anonymous.Page, "dashboard, idle, anonymous");

        var login = new LoginPage(await j.NewPageAsync(new() { ColorScheme = scheme }, $"sign-in-{scheme}"));
        await login.GotoAsync();
        await AssertAccessibleAsync(login.Page, "sign-in page");
        // With its error message showing (the failed sign-in answers 401, which the browser logs).
        j.AllowConsoleError(new System.Text.RegularExpressions.Regex(@"status of 401 \(Unauthorized\)"));
        await login.UserName.FillAsync("nobody");
        await login.Password.FillAsync("wrong-password-1");
        await login.SignInButton.ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(login.Errors).ToBeVisibleAsync();
        await AssertAccessibleAsync(login.Page, "sign-in page with an error");

        var operatorView = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator, options: new() { ColorScheme = scheme });
        await AssertAccessibleAsync(operatorView.Page, "dashboard, idle, operator");
    });

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task Dashboard_MidRun_HasNoSeriousOrCriticalViolations(ColorScheme scheme) => Journey.RunAsync(new JourneySetup
    {
        // The product's own pace (5 invoices/s, 2 rows/s): axe checks a page that changes as a user's does.
        // Earlier invoices fill the grid, so the page can be scrolled away from the newest. The run is
        // long enough that STOP lands mid-run however slowly a loaded machine gets through the checks.
        SeedInvoices = 60,
        Settings = { ["Generation:RatePerSecond"] = "5", ["Generation:DurationSeconds"] = "900", ["Display:RatePerSecond"] = "2" },
    }, async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator, options: new() { ColorScheme = scheme });
        await dashboard.StartButton.ClickAsync();
        await dashboard.ExpectStateAsync("running");
        await dashboard.WaitForTopRowAsync(64);
        await AssertAccessibleAsync(dashboard.Page, "dashboard, running");

        // Scrolled away, with the "N new invoices" button showing.
        await dashboard.Page.Mouse.MoveAsync(640, 600);
        await dashboard.Page.Mouse.WheelAsync(0, 800);
        await Microsoft.Playwright.Assertions.Expect(dashboard.NewInvoicesButton).ToBeVisibleAsync();
        await AssertAccessibleAsync(dashboard.Page, "dashboard, running, scrolled with new invoices waiting");

        await dashboard.StopButton.ClickAsync();
        await dashboard.ExpectStateAsync("backlog");
        await AssertAccessibleAsync(dashboard.Page, "dashboard, processing backlog");
    });

    internal static async Task AssertAccessibleAsync(IPage page, string what)
    {
        // Pages are opened to the commit; axe judges sizes and contrast, so it waits for the stylesheets.
        await page.WaitForLoadStateAsync(LoadState.Load);
        // And for the page to settle: a button fading in after a status swap (0.15 s) is mid-way between two
        // colours, and a contrast judged then is the transition's, not the page's.
        await page.WaitForFunctionAsync("() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')");
        var result = await page.RunAxe(Rules);
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{what}: " + string.Join("\n", serious.Select(Describe)));
        Assert.NotEmpty(result.Passes);
    }

    private static string Describe(AxeResultItem v) =>
        $"{v.Impact} {v.Id}: {v.Help} ({v.HelpUrl})\n" + string.Join("\n", v.Nodes.Take(5).Select(n => "    " + string.Join(" ", n.Target) + " " + n.Html));
}
