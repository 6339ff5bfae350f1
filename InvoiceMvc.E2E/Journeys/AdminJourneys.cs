using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>The Hangfire dashboard belongs to admins.</summary>
public sealed partial class AdminJourneys
{
    [Fact]
    public Task Hangfire_IsRefused_ToAnonymousVisitors_AndToOperators() => Journey.RunAsync(async j =>
    {
        // A visitor is sent to sign in; the Hangfire page is not shown.
        var anonymous = await j.NewPageAsync(label: "anonymous");
        var response = await anonymous.GotoAsync("/hangfire", new() { WaitUntil = WaitUntilState.Commit });
        Assert.StartsWith(j.App.Url("/account/login?ReturnUrl=%2Fhangfire"), anonymous.Url, StringComparison.Ordinal);
        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        await Expect(anonymous.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        // Its API too (no redirect for non-browser clients): 401, nothing of Hangfire in the body.
        var api = await anonymous.APIRequest.GetAsync("/hangfire/stats", new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.Unauthorized, api.Status);

        // A signed-in operator is forbidden, with a page saying so (the browser logs the 403).
        j.AllowConsoleError(new Regex(@"status of 403 \(Forbidden\)"));
        var operatorPage = await j.NewPageAsync(label: "operator");
        var login = new LoginPage(operatorPage);
        await login.GotoAsync();
        await login.SignInAsync(TestAccounts.Operator, TestAccounts.OperatorPassword);
        await new DashboardPage(operatorPage).ExpectSignedInAsAsync(TestAccounts.Operator);
        var forbidden = await operatorPage.GotoAsync("/hangfire", new() { WaitUntil = WaitUntilState.Commit });
        Assert.Equal((int)HttpStatusCode.Forbidden, forbidden!.Status);
        await Expect(operatorPage.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        Assert.DoesNotContain("Hangfire", await operatorPage.ContentAsync(), StringComparison.OrdinalIgnoreCase);
    });

    [Fact]
    public Task Admin_SignsIn_AndSeesTheGenerationJob() => Journey.RunAsync(new JourneySetup
    {
        // Long enough that the job is still processing when the admin looks, however loaded the machine.
        Settings = { ["Generation:DurationSeconds"] = "600" },
    }, async j =>
    {
        // The admin follows the Hangfire link from the dashboard, signs in, and lands on Hangfire.
        var page = await j.NewPageAsync(label: "admin");
        var login = new LoginPage(page);
        await page.GotoAsync("/hangfire", new() { WaitUntil = WaitUntilState.Commit });
        await Expect(login.SignInButton).ToBeVisibleAsync();
        await login.SignInAsync(TestAccounts.Admin, TestAccounts.AdminPassword);
        await Expect(page).ToHaveURLAsync(j.App.Url("/hangfire"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).First).ToBeVisibleAsync();

        // Admins may also START; the job shows up in Hangfire while it runs.
        var dashboard = new DashboardPage(page);
        await dashboard.GotoAsync();
        await dashboard.StartButton.ClickAsync();
        await dashboard.ExpectStateAsync("running");
        await dashboard.WaitForTopRowAsync(1); // the worker has picked the job up and it is producing

        await page.GotoAsync("/hangfire/jobs/processing", new() { WaitUntil = WaitUntilState.Commit });
        var job = page.GetByRole(AriaRole.Link, new() { NameRegex = GenerationJobName() });
        await Expect(job).ToBeVisibleAsync();
        await job.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = GenerationJobName() })).ToBeVisibleAsync();
        // Its current state, newest first in the job's history.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 4 }).First).ToHaveTextAsync(new Regex(@"Processing\s*$"));

        // The reminders job is there as a recurring job; the admin triggers it and reads its run in the history.
        await page.GotoAsync("/hangfire/recurring", new() { WaitUntil = WaitUntilState.Commit });
        var reminders = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "payment-reminders" });
        await Expect(reminders).ToContainTextAsync("Record payment reminders for overdue invoices");
        await reminders.GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(reminders).ToContainTextAsync("N/A"); // never run yet
        await page.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync();
        // Hangfire posts the trigger, then reloads the page: its row then names a last execution.
        await Expect(reminders).Not.ToContainTextAsync("N/A");
        // The history page does not refresh itself: read it again until the run has finished (or the deadline).
        var succeeded = page.GetByRole(AriaRole.Link, new() { Name = "Record payment reminders for overdue invoices" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await page.GotoAsync("/hangfire/jobs/succeeded", new() { WaitUntil = WaitUntilState.Commit });
            await page.GetByRole(AriaRole.Heading, new() { Name = "Succeeded Jobs" }).WaitForAsync();
        }
        while (!await succeeded.IsVisibleAsync() && DateTime.UtcNow < deadline);
        await Expect(succeeded).ToBeVisibleAsync();
    });

    /// <summary>The generation job's name in Hangfire: its run, target and rate (the journey's settings decide the numbers).</summary>
    [GeneratedRegex(@"^Generate run 1: \d+ invoices at \d+\/s$")]
    private static partial Regex GenerationJobName();
}
