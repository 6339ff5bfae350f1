using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>An ILoggerProvider that keeps every log entry (message, exception, scope values) for assertions.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<KeyValuePair<string, object?>>();
            var scopeText = new List<string>();
            owner._scopes.ForEachScope((scope, _) =>
            {
                scopeText.Add(scope?.ToString() ?? "");
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    scopes.AddRange(pairs);
                }
                else if (scope is IEnumerable<KeyValuePair<string, object>> plain)
                {
                    scopes.AddRange(plain.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value)));
                }
            }, (object?)null);
            var properties = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            owner._entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception?.ToString(),
                scopes, string.Join(" | ", scopeText), [.. properties]));
        }
    }
}

public sealed record CapturedLog(
    string Category,
    LogLevel Level,
    string Message,
    string? Exception,
    IReadOnlyList<KeyValuePair<string, object?>> Scopes,
    string ScopeText,
    IReadOnlyList<KeyValuePair<string, object?>> Properties)
{
    /// <summary>Everything a sink could write for this entry.</summary>
    public string AllText => string.Join('\n', Message, Exception, ScopeText, string.Join(';', Properties.Select(p => $"{p.Key}={p.Value}")));
}
