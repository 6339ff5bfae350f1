using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Web.Models;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// The decisions of one viewer's stream, with no I/O, no awaits and no clock of its own: given the
/// hub's state and the time, which frames go out and when to look again. A step has two halves
/// because the next row comes from a cache that may have to ask PostgreSQL: <see cref="Begin"/>
/// says whether the stats frame goes out (first, so a cache fill never delays the totals) and
/// whether a row is due; <see cref="End"/> takes the row the cache returned and says whether it
/// goes out, which status frame and heartbeat follow, and when to wake. A viewer is a handful of
/// fields and a step allocates nothing of its own, so the same decisions can later be driven for
/// many viewers by one shared timer instead of one wait per stream.
/// </summary>
internal sealed class ViewerState
{
    /// <summary>A `: keep-alive` comment after this much silence keeps proxies from closing the stream.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait before asking again when the hub announced a row the database did not return.</summary>
    public static readonly TimeSpan MissingRowRetry = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A status that differs from the last one sent only in its counts (the same state and buttons: the
    /// backlog's waiting count, a run's progress) goes out at most this often, with the newest counts; a
    /// change of state goes out at once. Without it every row of a backlog cost each viewer a second,
    /// re-rendered frame (issue 11).
    /// </summary>
    public static readonly TimeSpan StatusCountInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A held status goes out with any step this close to its second being up, instead of a wake of its
    /// own just after: rows step a few milliseconds off the second (their wakes are late by varying
    /// amounts), and a separate wake for the status cost every viewer a third wake and send a second.
    /// </summary>
    public static readonly TimeSpan StatusSlack = TimeSpan.FromMilliseconds(100);

    private readonly Pacer _pacer;
    private readonly Func<RunSnapshot?, long, StatusView> _status;
    private LiveState? _step;
    private bool _rowDue;
    private bool _skipped;
    private DateTimeOffset? _rowWake;
    private long _statsSentFor = -1;
    private bool _statsSentOnce;
    private StatusView? _sentStatus;
    private DateTimeOffset _statusSentAt;
    private bool _statusMoved;
    private bool _databaseReachable = true;
    private RunSnapshot? _statusRun;
    private long _statusWaiting;
    private DateTimeOffset _lastWrite;

    /// <param name="status">The status a viewer sees for a run and its own backlog (<see cref="DashboardFormatter.Status"/>).</param>
    /// <param name="openedAt">When the stream's first frame (retry) went out: the heartbeat counts from it.</param>
    public ViewerState(long cursor, int ratePerSecond, Func<RunSnapshot?, long, StatusView> status, DateTimeOffset openedAt)
    {
        Cursor = cursor;
        _pacer = new Pacer(ratePerSecond);
        _status = status;
        _lastWrite = openedAt;
    }

    /// <summary>The id of the last row this viewer has: the next row is the first invoice after it.</summary>
    public long Cursor { get; private set; }

    /// <summary>First half of a step: send the stats frame? fetch the row after <see cref="Cursor"/>?</summary>
    /// <param name="databaseReachable">The hub's <see cref="LiveStateHub.DatabaseReachable"/>: while false no row is
    /// fetched (the rows live in PostgreSQL) and the status says the connection is lost.</param>
    public StepStart Begin(LiveState state, DateTimeOffset now, bool databaseReachable = true)
    {
        _step = state;
        _databaseReachable = databaseReachable;
        var sendStats = state.Stats.LastInvoiceId != _statsSentFor;
        var measure = false;
        if (sendStats)
        {
            // The first frame of a stream shows whatever committed long ago: not a latency.
            measure = _statsSentOnce && state.CommittedAt != DateTimeOffset.MinValue;
            _statsSentFor = state.Stats.LastInvoiceId;
            _statsSentOnce = true;
            _lastWrite = now;
        }

        _rowDue = false;
        _skipped = false;
        _rowWake = null;
        if (Waiting(state) == 0 || !databaseReachable)
        {
            // Nothing to send, or nowhere to read it from: the rows after a pause are paced from the first again.
            _pacer.Idle();
        }
        else if (_pacer.NextDue(now) is var due && due > now)
        {
            _rowWake = due;
        }
        else
        {
            _rowDue = true;
        }

        return new StepStart(sendStats, measure, _rowDue);
    }

    /// <summary>
    /// Between the halves of a step with a row due: the fetched row <paramref name="id"/> does not match
    /// this viewer's filter, so the cursor moves past it without sending it and without using the due
    /// slot: the next matching row may still go out in this step (the pacing counts rows shown, not rows read).
    /// </summary>
    public void Skip(long id)
    {
        if (_step is null || !_rowDue)
        {
            throw new InvalidOperationException("No row was due in this step.");
        }

        if (id <= Cursor)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "A skipped row comes after the cursor.");
        }

        Cursor = id;
        _skipped = true;
    }

    /// <summary>
    /// Second half: <paramref name="fetchedRowId"/> is the row the cache returned when one was due
    /// (null if it was not due, or the database has none yet).
    /// </summary>
    public StepEnd End(DateTimeOffset now, long? fetchedRowId)
    {
        var state = _step ?? throw new InvalidOperationException("End without Begin.");
        _step = null;
        if (fetchedRowId is not null && !_rowDue)
        {
            throw new ArgumentException("No row was due in this step.", nameof(fetchedRowId));
        }

        var sendRow = false;
        if (_rowDue && fetchedRowId is { } id)
        {
            Cursor = id;
            sendRow = true;
            _lastWrite = now;
            _pacer.Sent(now);
            if (Waiting(state) == 0)
            {
                _pacer.Idle();
            }
            else
            {
                _rowWake = _pacer.NextDue(now);
            }
        }
        else if (_rowDue && _skipped)
        {
            // Rows were read and skipped but none matched yet: look again at once while more are waiting
            // (the loop bounds how many it skips per step), else wait for the next invoice as when idle.
            if (Waiting(state) == 0)
            {
                _pacer.Idle();
            }
            else
            {
                _rowWake = now;
            }
        }
        else if (_rowDue)
        {
            _rowWake = now + MissingRowRetry;
        }

        var status = _databaseReachable ? StatusChange(state, now) : OutageChange();
        if (status is not null)
        {
            _lastWrite = now;
        }

        var heartbeat = now - _lastWrite >= HeartbeatInterval;
        if (heartbeat)
        {
            _lastWrite = now;
        }

        var wake = _lastWrite + HeartbeatInterval;
        if (_rowWake is { } row && row < wake)
        {
            wake = row;
        }

        // A status held back (only its counts moved) goes out when its second is up, or with a step due within StatusSlack after.
        if (_statusMoved && _statusSentAt + StatusCountInterval + StatusSlack < wake)
        {
            wake = _statusSentAt + StatusCountInterval;
        }

        return new StepEnd(sendRow, status, heartbeat, wake);
    }

    private long Waiting(LiveState state) => Math.Max(0, state.Stats.LastInvoiceId - Cursor);

    // The status is a function of the run and this viewer's backlog: it may have changed only when either moved.
    // One that would change only in its counts (the same state, so the same buttons) is held back within
    // StatusCountInterval of the last one sent, and formatted only when it may go out: a backlog moves the
    // count with every row, and formatting a status per row that went out once a second was nearly all of a
    // stream's garbage (issue 11).
    private StatusView? StatusChange(LiveState state, DateTimeOffset now)
    {
        var waiting = Waiting(state);
        if (_sentStatus is null || !ReferenceEquals(state.Run, _statusRun) || waiting != _statusWaiting)
        {
            _statusRun = state.Run;
            _statusWaiting = waiting;
            _statusMoved = true;
        }

        if (!_statusMoved)
        {
            return null;
        }

        if (_sentStatus is { } sent && DashboardFormatter.StateOf(state.Run, waiting) == sent.State && now + StatusSlack < _statusSentAt + StatusCountInterval)
        {
            return null;
        }

        _statusMoved = false;
        var next = _status(state.Run, waiting);
        if (next == _sentStatus)
        {
            return null;
        }

        _sentStatus = next;
        _statusSentAt = now;
        return next;
    }

    // Sent once per outage; afterwards the run's status is worked out afresh, even if run and backlog stood still.
    private StatusView? OutageChange()
    {
        _statusRun = null;
        _statusWaiting = -1;
        _statusMoved = false;
        if (_sentStatus == DashboardFormatter.DatabaseLost)
        {
            return null;
        }

        _sentStatus = DashboardFormatter.DatabaseLost;
        return _sentStatus;
    }

    /// <summary>What the first half of a step decided.</summary>
    /// <param name="MeasureStatsLatency">Record commit-to-send for this stats frame (not for a stream's first).</param>
    internal readonly record struct StepStart(bool SendStats, bool MeasureStatsLatency, bool FetchRow);

    /// <summary>What the second half decided, in the order the frames go out, and when to step again.</summary>
    /// <param name="WakeAt">Step again then, or sooner if the hub changes; at or before now means at once.</param>
    internal readonly record struct StepEnd(bool SendRow, StatusView? Status, bool Heartbeat, DateTimeOffset WakeAt);
}
