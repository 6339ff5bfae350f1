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

    private static readonly SemaphoreSlim SharedGate = new(1, 1);
    private static IPlaywright? _sharedPlaywright;
    private static IBrowser? _shared;

    /// <summary>
    /// One Playwright driver and one Chromium for the whole test process: each test opens its own
    /// browser contexts (cookies, storage and cache are per context), so they are as isolated as with
    /// a browser each, without a driver start and a browser launch per test. Launched again if it died.
    /// Both end with the test process (the driver closes its browser when its stdin closes).
    /// </summary>
    public static async Task<IBrowser> SharedAsync()
    {
        await SharedGate.WaitAsync();
        try
        {
            if (_shared is not { IsConnected: true })
            {
                _sharedPlaywright ??= await Playwright.CreateAsync();
                _shared = await LaunchAsync(_sharedPlaywright);
            }

            return _shared;
        }
        finally
        {
            SharedGate.Release();
        }
    }

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
