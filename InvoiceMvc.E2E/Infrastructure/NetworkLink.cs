using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace InvoiceMvc.E2E.Infrastructure;

/// <summary>
/// A TCP hop between the browser and the app that a journey can cut, as a dropped Wi-Fi would:
/// <see cref="SeverAll"/> resets every open connection. Chromium's offline emulation
/// (SetOfflineAsync) refuses new requests but leaves an open EventSource streaming, and does not
/// reach the SharedWorker that holds the tabs' streams, so a journey about losing the network uses
/// both: offline for the pages, <see cref="Refusing"/> for everything else.
/// </summary>
public sealed class NetworkLink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<int, (TcpClient Browser, TcpClient App)> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _next;

    public NetworkLink(Uri target)
    {
        _targetPort = target.Port;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where the browser connects instead of the app.</summary>
    public Uri Address { get; }

    /// <summary>While set, every new connection is reset at once, as on a network that is gone.</summary>
    public bool Refusing { get; set; }

    /// <summary>Resets every connection open now; returns how many there were.</summary>
    public int SeverAll()
    {
        var severed = 0;
        foreach (var key in _open.Keys)
        {
            if (_open.TryRemove(key, out var pair))
            {
                try
                {
                    pair.Browser.Client.LingerState = new LingerOption(true, 0); // RST, not a polite FIN
                }
                catch (ObjectDisposedException)
                {
                    // Its forwarder closed it a moment ago (one side hung up): it is cut already.
                }

                pair.Browser.Dispose();
                pair.App.Dispose();
                severed++;
            }
        }

        return severed;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        SeverAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient browser;
            try
            {
                browser = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Refusing)
            {
                browser.Client.LingerState = new LingerOption(true, 0);
                browser.Dispose();
                continue;
            }

            _ = ForwardAsync(browser);
        }
    }

    private async Task ForwardAsync(TcpClient browser)
    {
        var app = new TcpClient();
        var id = Interlocked.Increment(ref _next);
        try
        {
            await app.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            _open[id] = (browser, app);
            var up = browser.GetStream().CopyToAsync(app.GetStream(), _stop.Token);
            var down = app.GetStream().CopyToAsync(browser.GetStream(), _stop.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The link was cut or one side hung up.
        }
        finally
        {
            _open.TryRemove(id, out _);
            browser.Dispose();
            app.Dispose();
        }
    }
}
