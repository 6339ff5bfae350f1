using InvoiceMvc.Infrastructure.Events;

namespace InvoiceMvc.Infrastructure.Generation;

// Closed result types. C# has no closed hierarchies yet: a switch expression over these records
// warns CS8509 (an error here, TreatWarningsAsErrors) unless it ends in a `_ =>` arm that can never
// run. So the base has a private constructor (no case can be added outside this file) and callers
// branch with Match, which names every case: adding one breaks each caller at compile time
// instead of reaching a discard arm at run time.

/// <summary>What START did.</summary>
public abstract record StartResult
{
    private StartResult()
    {
    }

    public abstract T Match<T>(Func<Started, T> started, Func<AlreadyRunning, T> alreadyRunning);

    public sealed record Started(RunSnapshot Run) : StartResult
    {
        public override T Match<T>(Func<Started, T> started, Func<AlreadyRunning, T> alreadyRunning) => started(this);
    }

    public sealed record AlreadyRunning(long RunId) : StartResult
    {
        public override T Match<T>(Func<Started, T> started, Func<AlreadyRunning, T> alreadyRunning) => alreadyRunning(this);
    }
}

/// <summary>What STOP did.</summary>
public abstract record StopResult
{
    private StopResult()
    {
    }

    public abstract T Match<T>(Func<Stopped, T> stopped, Func<NothingRunning, T> nothingRunning);

    public sealed record Stopped(RunSnapshot Run) : StopResult
    {
        public override T Match<T>(Func<Stopped, T> stopped, Func<NothingRunning, T> nothingRunning) => stopped(this);
    }

    public sealed record NothingRunning : StopResult
    {
        public override T Match<T>(Func<Stopped, T> stopped, Func<NothingRunning, T> nothingRunning) => nothingRunning(this);
    }
}
