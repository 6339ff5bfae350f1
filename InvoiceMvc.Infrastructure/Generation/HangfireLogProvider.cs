using Hangfire.AspNetCore;
using Hangfire.Logging;
using Microsoft.Extensions.Logging;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>
/// Hangfire's log provider is process-wide (static). When a process hosts several apps (tests, or
/// two hosts) and one is disposed, its LoggerFactory is gone and Hangfire's workers in the other
/// app would fail fetching jobs, for up to 36 s. This provider survives that: it logs through the
/// latest app's factory, and not at all for a factory that has been disposed.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return SilentLog.Instance;
        }
    }

    private sealed class SilentLog : ILog
    {
        public static readonly SilentLog Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
