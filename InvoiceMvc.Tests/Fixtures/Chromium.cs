using Microsoft.Playwright;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// Debian's Chromium for the browser tests and the E2E journeys. Playwright's own browser download
/// is not used: it needs a network the test machines don't have, and Debian's package is what
/// scripts/test.sh installs.
/// </summary>
public static class Chromium
{
    /// <summary>Where scripts/test.sh installs it (apt package "chromium"); INVOICEMVC_CHROMIUM overrides.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("INVOICEMVC_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ExecutablePath}: run the tests with scripts/test.sh (it installs the apt package), or set INVOICEMVC_CHROMIUM.");
        }

        return playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // A deadline, not a wait: a cold start on a loaded 2-core machine can pass Playwright's default 30 s.
            Timeout = 120_000,
            // Without the background-networking flags Chromium keeps dialling out on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
