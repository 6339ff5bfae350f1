namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// One read in flight at a time, shared by every caller that asks while it runs (a "single flight").
/// When thousands of streams open at once (a restart's reconnect storm) and each needs the live state
/// from PostgreSQL, they wait on one query instead of exhausting the connection pool. The read runs
/// without any caller's cancellation, so one caller going away fails no other; a failed read fails
/// the callers that shared it, and the next caller starts a new one.
/// </summary>
public sealed class SharedRead<T>(Func<Task<T>> read)
{
    private readonly Lock _gate = new();
    private Task<T>? _inFlight;

    public Task<T> GetAsync(CancellationToken cancellationToken)
    {
        Task<T> shared;
        lock (_gate)
        {
            if (_inFlight is null || _inFlight.IsCompleted)
            {
                _inFlight = read();
            }

            shared = _inFlight;
        }

        return shared.WaitAsync(cancellationToken);
    }
}
