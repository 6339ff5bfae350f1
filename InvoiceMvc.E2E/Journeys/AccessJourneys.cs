using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>The dashboard for people who don't use it with a mouse on a desktop browser with scripts on.</summary>
public sealed class AccessJourneys
{
    [Fact]
    public Task Start_WithJavaScriptDisabled_WorksAsAPlainFormPost() => Journey.RunAsync(new JourneySetup
    {
        Settings = { ["Generation:DurationSeconds"] = "60" },
    }, async j =>
    {
        var page = await j.NewPageAsync(new() { JavaScriptEnabled = false }, "no-script");
        await new LoginPage(page).GotoAsync();
        await new LoginPage(page).SignInAsync(TestAccounts.Operator, TestAccounts.OperatorPassword);
        var dashboard = new DashboardPage(page);
        await dashboard.ExpectSignedInAsAsync(TestAccounts.Operator);
        await Expect(dashboard.StartButton).ToBeEnabledAsync();

        // The button submits its form (a plain post, not htmx's); the server redirects back to the dashboard.
        var post = page.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/generation/start", StringComparison.Ordinal));
        await dashboard.StartButton.ClickAsync();
        var headers = await (await post).AllHeadersAsync();
        Assert.False(headers.ContainsKey("hx-request"), "sent by htmx, not by the form");
        Assert.StartsWith("application/x-www-form-urlencoded", headers["content-type"], StringComparison.Ordinal);
        await Expect(page).ToHaveURLAsync(j.App.Url("/"));
        await Expect(dashboard.Flash).ToContainTextAsync("Run 1 started: 1200 invoices at 20/s.");
        await dashboard.ExpectStateAsync("running");
        await Expect(dashboard.StartButton).ToBeDisabledAsync();
        await Expect(dashboard.StopButton).ToBeEnabledAsync();
        Assert.True(await j.App.Database.ScalarAsync<bool>("SELECT status = 1 FROM generation_runs"), "the run is running (RunStatus.Running = 1)");
        await Eventually.TrueAsync(async () => await j.App.InvoiceCountAsync() > 0, TimeSpan.FromMilliseconds(Journey.Deadline), "invoices generated");

        // STOP the same way.
        await dashboard.StopButton.ClickAsync();
        await Expect(page).ToHaveURLAsync(j.App.Url("/"));
        await Expect(dashboard.Flash).ToContainTextAsync("Run 1 stopped at");
        await Expect(dashboard.StartButton).ToBeEnabledAsync();
        Assert.Equal(0, await j.App.Database.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 1"));
    });

    [Fact]
    public Task KeyboardOnly_TabToStart_AndPressEnter() => Journey.RunAsync(async j =>
    {
        var page = await j.NewPageAsync(label: "keyboard");
        var login = new LoginPage(page);
        await login.GotoAsync();
        // Sign in without the mouse too: type, Tab, type, Enter.
        await login.UserName.FocusAsync();
        await page.Keyboard.TypeAsync(TestAccounts.Operator);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(TestAccounts.OperatorPassword);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(j.App.Url("/"));
        var dashboard = new DashboardPage(page);
        await dashboard.ExpectSignedInAsAsync(TestAccounts.Operator);
        await dashboard.WaitForStreamAsync();

        // From the top of the page: the skip link first, then START (STOP is disabled, so not in the tab order).
        var tabs = 0;
        while (!await dashboard.StartButton.EvaluateAsync<bool>("b => b === document.activeElement"))
        {
            Assert.True(++tabs <= 5, "START is reachable within five Tabs from the top of the page");
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal(2, tabs);
        // The focused button shows it.
        Assert.NotEqual("none", await dashboard.StartButton.EvaluateAsync<string>("b => getComputedStyle(b).outlineStyle"));

        await page.Keyboard.PressAsync("Enter");
        await dashboard.ExpectStateAsync("running");
        await Expect(dashboard.Flash).ToContainTextAsync("Run 1 started");
        await dashboard.WaitForTopRowAsync(1);
    });

    [Fact]
    public Task PhoneViewport_SectionsDoNotOverlap_AndNothingScrollsSideways() => Journey.RunAsync(new JourneySetup
    {
        SeedInvoices = 20,
        Settings = { ["Generation:DurationSeconds"] = "60" },
    }, async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator, options: new()
        {
            ViewportSize = new() { Width = 375, Height = 667 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        }, label: "phone");
        await dashboard.StartButton.TapAsync();
        await dashboard.ExpectStateAsync("running");
        await dashboard.WaitForTopRowAsync(25);

        var page = dashboard.Page;
        // Measured in one go: the cards are re-rendered with every invoice, so element handles go stale.
        var sections = new Dictionary<string, string>
        {
            ["heading"] = "h1",
            ["START"] = "#start-button",
            ["STOP"] = "#stop-button",
            ["status"] = "[role=status]",
            ["Total invoices"] = "[role=group][aria-label='Total invoices']",
            ["Total amount"] = "[role=group][aria-label='Total amount']",
            ["Total VAT"] = "[role=group][aria-label='Total VAT']",
            ["Average invoice"] = "[role=group][aria-label='Average invoice']",
            ["newest row"] = "#invoice-rows > tr[data-invoice-id]:nth-child(1)",
            ["second row"] = "#invoice-rows > tr[data-invoice-id]:nth-child(2)",
        };
        var rects = await page.EvaluateAsync<Dictionary<string, float[]>>("""
            s => Object.fromEntries(Object.entries(s).map(([name, sel]) => {
              const el = document.querySelector(sel);
              const r = el ? el.getBoundingClientRect() : { x: 0, y: 0, width: 0, height: 0 };
              return [name, [r.x, r.y + window.scrollY, r.width, r.height]];
            }))
            """, sections);
        var boxes = new List<(string Name, LocatorBoundingBoxResult Box)>();
        foreach (var (name, r) in rects)
        {
            var box = new LocatorBoundingBoxResult { X = r[0], Y = r[1], Width = r[2], Height = r[3] };
            Assert.True(box is { Width: > 0, Height: > 0 }, $"{name} is laid out");
            Assert.True(box.X >= 0 && box.X + box.Width <= 375 + 0.5, $"{name} fits the screen's width: x {box.X}, width {box.Width}");
            boxes.Add((name, box));
        }

        for (var a = 0; a < boxes.Count; a++)
        {
            for (var b = a + 1; b < boxes.Count; b++)
            {
                Assert.False(Overlap(boxes[a].Box, boxes[b].Box), $"{boxes[a].Name} overlaps {boxes[b].Name}");
            }
        }

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page does not scroll sideways");
        // Thumb-sized controls.
        Assert.True((await dashboard.StartButton.BoundingBoxAsync())!.Height >= 44, "START is at least 44 px tall");
    });

    private static bool Overlap(LocatorBoundingBoxResult a, LocatorBoundingBoxResult b)
    {
        const float tolerance = 0.5f;
        return a.X + a.Width - tolerance > b.X && b.X + b.Width - tolerance > a.X
            && a.Y + a.Height - tolerance > b.Y && b.Y + b.Height - tolerance > a.Y;
    }
}
