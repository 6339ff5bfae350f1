using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Playwright;

namespace InvoiceMvc.E2E.Infrastructure;

/// <summary>What a journey starts from: the app's settings and invoices already in the database.</summary>
public sealed record JourneySetup
{
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
    public int SeedInvoices { get; init; }
}

/// <summary>
/// One user journey: a fresh app (own database, Production environment), one Chromium, as many
/// browser contexts as the journey opens, each traced. When the journey fails, a screenshot of every
/// open page, every context's Playwright trace, the app's log and the browser's console are saved
/// under artifacts/e2e/&lt;journey&gt;/ and the failure message says where. When it passes, the
/// traces are dropped and the journey must have caused no page error and no console error it did
/// not declare with <see cref="AllowConsoleError"/>.
/// </summary>
public sealed partial class Journey
{
    private readonly string _name;
    private readonly IBrowser _browser;
    private readonly List<(IBrowserContext Context, string Label)> _contexts = [];
    private readonly List<string> _console = [];
    private readonly List<string> _problems = [];
    private readonly List<Regex> _allowed = [];

    /// <summary>
    /// How long any one step may take: every expectation, action and wait, unless a step says more.
    /// Generous, for a 2-core machine loaded by other work (load average 9 and more); every wait is
    /// still on a condition, so a passing step takes no longer for it.
    /// </summary>
    public const float Deadline = 30_000;

    static Journey()
    {
        Assertions.SetDefaultExpectTimeout(Deadline);
    }

    private Journey(string name, E2EApp app, IBrowser browser)
    {
        _name = name;
        App = app;
        _browser = browser;
    }

    public E2EApp App { get; }

    public static Task RunAsync(Func<Journey, Task> body, [CallerFilePath] string file = "", [CallerMemberName] string name = "") =>
        RunAsync(new JourneySetup(), body, file, name);

    public static async Task RunAsync(JourneySetup setup, Func<Journey, Task> body, [CallerFilePath] string file = "", [CallerMemberName] string name = "")
    {
        var fullName = $"{Path.GetFileNameWithoutExtension(file)}.{name}";
        await using var app = await E2EApp.StartAsync(setup.Settings, setup.SeedInvoices);
        var journey = new Journey(fullName, app, await Chromium.SharedAsync());
        try
        {
            await body(journey);
            journey.AssertNoUnexpectedProblems();
            foreach (var (context, _) in journey._contexts)
            {
                await context.Tracing.StopAsync();
            }
        }
        catch (Exception ex)
        {
            var saved = await journey.SaveEvidenceAsync(ex);
            throw new JourneyFailedException($"{fullName} failed: {ex.Message}{Environment.NewLine}Screenshots, traces and logs: {saved}", ex);
        }
        finally
        {
            // The browser is shared by every journey of the process: only this journey's contexts go.
            foreach (var (context, _) in journey._contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>A new browser context (its own cookies: another user or tab group) with one page in it.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null, string? label = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL ??= App.BaseAddress.ToString();
        options.ViewportSize ??= new ViewportSize { Width = 1280, Height = 800 };
        var context = await _browser.NewContextAsync(options);
        label ??= $"context{_contexts.Count + 1}";
        _contexts.Add((context, label));
        context.SetDefaultTimeout(Deadline);
        await context.Tracing.StartAsync(new() { Title = $"{_name} ({label})", Screenshots = false, Snapshots = true });
        await context.AddInitScriptAsync(DashboardPage.StreamProbeScript);
        var page = await context.NewPageAsync();
        Watch(page, label);
        return page;
    }

    /// <summary>The dashboard in a new context, signed in through the sign-in form when a user is given.</summary>
    public async Task<DashboardPage> OpenDashboardAsync(string? signInAs = null, BrowserNewContextOptions? options = null, string? label = null)
    {
        var page = await NewPageAsync(options, label ?? signInAs ?? "viewer");
        var dashboard = new DashboardPage(page);
        if (signInAs is null)
        {
            await dashboard.GotoAsync();
            return dashboard;
        }

        // Signing in lands on the dashboard; it is ready when it says who is signed in and its stream is open.
        var login = new LoginPage(page);
        await login.GotoAsync();
        await login.SignInAsync(signInAs, TestAccounts.PasswordOf(signInAs));
        await Assertions.Expect(page).ToHaveURLAsync(DashboardAddress()); // the page's BaseURL may be a NetworkLink
        await dashboard.ExpectSignedInAsAsync(signInAs);
        await dashboard.WaitForStreamAsync();
        return dashboard;
    }

    /// <summary>Another tab of the same browser context as <paramref name="of"/> (same user), with the dashboard open and live.</summary>
    public async Task<DashboardPage> OpenTabAsync(DashboardPage of, string label)
    {
        var page = await of.Page.Context.NewPageAsync();
        Watch(page, label);
        var dashboard = new DashboardPage(page);
        await dashboard.GotoAsync();
        return dashboard;
    }

    /// <summary>Console errors this journey causes on purpose (e.g. requests failing while offline).</summary>
    public void AllowConsoleError(Regex pattern) => _allowed.Add(pattern);

    // Every page's errors fail the journey; its console and failed requests go to the log.
    private void Watch(IPage page, string label)
    {
        page.PageError += (_, error) =>
        {
            Record(_console, $"[{label}] page error: {error}");
            Record(_problems, $"[{label}] page error: {error}");
        };
        // The console says only "404"; the log says which request.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Record(_console, $"[{label}] {response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.Console += (_, message) =>
        {
            Record(_console, $"[{label}] {message.Type}: {message.Text}");
            if (message.Type == "error")
            {
                Record(_problems, $"[{label}] console error: {message.Text}");
            }
        };
    }

    private void AssertNoUnexpectedProblems()
    {
        List<string> unexpected;
        lock (_problems)
        {
            unexpected = [.. _problems.Where(p => !_allowed.Any(a => a.IsMatch(p)))];
        }

        Assert.True(unexpected.Count == 0, "The browser reported problems:\n" + string.Join('\n', unexpected));
    }

    /// <summary>The dashboard at / of whichever host the page talks to.</summary>
    [GeneratedRegex(@"^https?://[^/]+/$")]
    public static partial Regex DashboardAddress();

    private static void Record(List<string> list, string line)
    {
        lock (list)
        {
            list.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
    }

    private async Task<string> SaveEvidenceAsync(Exception failure)
    {
        var dir = Path.Combine(Artifacts.Root, $"{_name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "failure.txt"), failure.ToString());
        await File.WriteAllLinesAsync(Path.Combine(dir, "app.log"), App.Process.RecentOutput);
        lock (_console)
        {
            File.WriteAllLines(Path.Combine(dir, "browser-console.log"), _console);
        }

        foreach (var (context, label) in _contexts)
        {
            var n = 0;
            foreach (var page in context.Pages)
            {
                n++;
                try
                {
                    await page.ScreenshotAsync(new() { Path = Path.Combine(dir, $"{label}-page{n}.png"), FullPage = true, Timeout = 10_000 });
                }
                catch (PlaywrightException ex)
                {
                    await File.AppendAllTextAsync(Path.Combine(dir, "failure.txt"), $"\n\nNo screenshot of {label} page {n}: {ex.Message}");
                }
            }

            try
            {
                await context.Tracing.StopAsync(new() { Path = Path.Combine(dir, $"{label}-trace.zip") });
            }
            catch (PlaywrightException ex)
            {
                await File.AppendAllTextAsync(Path.Combine(dir, "failure.txt"), $"\n\nNo trace of {label}: {ex.Message}");
            }
        }

        var readme = new StringBuilder()
            .AppendLine(_name)
            .AppendLine("failure.txt: the error; app.log: the app's last 2,000 log lines; browser-console.log: every page's console.")
            .AppendLine("A trace (<context>-trace.zip: every action with DOM snapshots, network and console) opens at https://trace.playwright.dev,")
            .AppendLine("or on a desktop: InvoiceMvc.E2E/bin/Release/net10.0/.playwright/node/linux-x64/node InvoiceMvc.E2E/bin/Release/net10.0/.playwright/package/cli.js show-trace <file>.zip");
        await File.WriteAllTextAsync(Path.Combine(dir, "README.txt"), readme.ToString());
        return dir;
    }
}

/// <summary>A journey failed; the message says where its screenshots and traces are.</summary>
public sealed class JourneyFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>The git-ignored folder failures are saved in: artifacts/e2e at the repository root (INVOICEMVC_E2E_ARTIFACTS overrides).</summary>
public static class Artifacts
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("INVOICEMVC_E2E_ARTIFACTS") is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InvoiceMvc.sln")))
            {
                return Path.Combine(dir.FullName, "artifacts", "e2e");
            }
        }

        return Path.Combine(Path.GetTempPath(), "invoicemvc-e2e");
    }
}
