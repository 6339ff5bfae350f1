using Microsoft.Playwright;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>Debian's Chromium, launched the way ../shared/environment.md says it runs here (browser tests and E2E journeys).</summary>
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
            // Without the background-networking flags Chromium keeps dialling out on a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
