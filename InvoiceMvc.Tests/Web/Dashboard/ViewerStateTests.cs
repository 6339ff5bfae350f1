using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Web.Dashboard;
using static InvoiceMvc.Tests.Web.Dashboard.StreamSimulation;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>
/// The stream's decisions on a fake clock, exact to the tick: which frames go out, in which order
/// and when. DashboardTimingTests keeps one real-time smoke test of the same pacing.
/// </summary>
public sealed class ViewerStateTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void ABacklog_At2PerSecond_GoesOutExactlyEvery500ms_InOrder_ThenIdle()
    {
        var sim = new StreamSimulation(Live(26, Run(RunStatus.Completed, 26, 26)), cursor: 0);
        sim.RunUntil(TimeSpan.FromSeconds(20));

        Assert.Equal(Enumerable.Range(0, 26).Select(k => (Ms(500 * k), (long)k + 1)), sim.Rows);
        // The stats first, then the rows with this viewer's backlog once a second, then Idle after the last.
        Assert.Equal(
            [new(TimeSpan.Zero, "stats", "26"), new(TimeSpan.Zero, "row", "1"), new(TimeSpan.Zero, "status", "Processing backlog (25 waiting)"),
             new(Ms(500), "row", "2"), new(Ms(1000), "row", "3"), new(Ms(1000), "status", "Processing backlog (23 waiting)")],
            sim.Frames.Take(6));
        Assert.Equal(
            [new(Ms(12_000), "row", "25"), new(Ms(12_000), "status", "Processing backlog (1 waiting)"),
             new(Ms(12_500), "row", "26"), new(Ms(12_500), "status", "Idle: Last run completed: 26 invoices")],
            sim.Frames.TakeLast(4));
        // One status a second (0 to 12 s) and Idle: not one per row.
        Assert.Equal(14, sim.OfKind("status").Count());
    }

    [Fact]
    public void AStatusHeldBack_RidesWithARowStepJustBeforeItsSecond_InsteadOfAWakeOfItsOwn()
    {
        var sim = new StreamSimulation(Live(26, Run(RunStatus.Completed, 26, 26)), cursor: 0);
        // Row 3 (due at 1,000 ms) steps 30 ms late, so the status sent with it is next due at 2,030 ms.
        sim.RunUntil(Ms(999));
        sim.WakeLate(Ms(1030));
        sim.RunUntil(Ms(2600));

        // Row 5 steps on time at 2,000 ms: the status goes with it, not alone 30 ms later.
        Assert.Equal([(TimeSpan.Zero, 1L), (Ms(500), 2L), (Ms(1030), 3L), (Ms(1500), 4L), (Ms(2000), 5L), (Ms(2500), 6L)], sim.Rows);
        Assert.Equal([TimeSpan.Zero, Ms(1030), Ms(2000)], sim.OfKind("status").Select(f => f.At));
    }

    [Fact]
    public void RowsAtARateThatDoesNotDivideASecond_NeverDrift()
    {
        var sim = new StreamSimulation(Live(3001), cursor: 0, ratePerSecond: 3);
        sim.RunUntil(TimeSpan.FromSeconds(1001));

        var rows = sim.Rows.ToList();
        Assert.Equal(3001, rows.Count);
        // Row 3001 goes out exactly 1,000 s after the first, though 1/3 s has no exact tick length.
        Assert.Equal(TimeSpan.FromSeconds(1000), rows[^1].At);
        Assert.Equal(TimeSpan.FromTicks(3_333_333), rows[1].At);
        Assert.Equal(TimeSpan.FromTicks(6_666_666), rows[2].At);
    }

    [Fact]
    public void AnIdleSpell_EarnsNoCredit_TheRowsAfterItArePacedFromTheFirst()
    {
        var sim = new StreamSimulation(Live(5), cursor: 5);
        sim.RunUntil(TimeSpan.FromSeconds(60));
        Assert.Empty(sim.Rows);

        // A minute of nothing, then ten invoices at once: they still leave 500 ms apart.
        sim.Publish(Live(15));
        sim.RunUntil(TimeSpan.FromSeconds(70));

        Assert.Equal(Enumerable.Range(0, 10).Select(k => (TimeSpan.FromSeconds(60) + Ms(500 * k), 6L + k)), sim.Rows);
    }

    [Fact]
    public void ARowSoonAfterTheLast_WaitsForTheRestOfTheInterval()
    {
        var sim = new StreamSimulation(Live(1), cursor: 0);
        sim.RunUntil(Ms(100));
        sim.Publish(Live(2));

        // The stats go out at once; the row only when 500 ms have passed since the last one.
        Assert.Equal(new SimulatedFrame(Ms(100), "stats", "2 measured"), sim.Frames[^2]);
        Assert.Equal(T0 + Ms(500), sim.WakeAt);
        sim.RunUntil(Ms(1000));
        Assert.Equal([(TimeSpan.Zero, 1L), (Ms(500), 2L)], sim.Rows);
    }

    [Fact]
    public void ALateWake_WithinOneInterval_KeepsTheSchedule()
    {
        var sim = new StreamSimulation(Live(10), cursor: 0);
        sim.WakeLate(Ms(800));
        sim.RunUntil(Ms(1500));

        // Row 2 was due at 500 ms and went out at 800; row 3 is still due at 1,000 (drift-free).
        Assert.Equal([(TimeSpan.Zero, 1L), (Ms(800), 2L), (Ms(1000), 3L), (Ms(1500), 4L)], sim.Rows);
    }

    [Fact]
    public void AStallLongerThanAnInterval_ReanchorsInsteadOfBursting()
    {
        var sim = new StreamSimulation(Live(10), cursor: 0);
        sim.WakeLate(Ms(3700));
        sim.RunUntil(Ms(4700));

        // Six rows were "due" during the stall; they do not come in a burst: one at once, then 2/s.
        Assert.Equal([(TimeSpan.Zero, 1L), (Ms(3700), 2L), (Ms(4200), 3L), (Ms(4700), 4L)], sim.Rows);
    }

    [Fact]
    public void TheHeartbeat_GoesOutExactly15sAfterTheLastFrame_AndAnyFrameRestartsTheCount()
    {
        var sim = new StreamSimulation(Live(5), cursor: 5);
        Assert.Equal(T0 + TimeSpan.FromSeconds(15), sim.WakeAt);
        sim.RunUntil(TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
        Assert.Empty(sim.OfKind("heartbeat"));

        sim.RunUntil(TimeSpan.FromSeconds(20));
        // A status frame at 20 s (a run starts) restarts the 15 s of silence.
        sim.Publish(Live(5, Run(RunStatus.Running, 0)));
        sim.RunUntil(TimeSpan.FromSeconds(50));

        Assert.Equal([TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(35), TimeSpan.FromSeconds(50)], sim.OfKind("heartbeat").Select(f => f.At));
        // stats, status, heartbeat, status, heartbeat, heartbeat: nothing else.
        Assert.Equal(6, sim.Frames.Count);
    }

    [Fact]
    public void TheStatus_GoesOutAtOnceWhenTheStateChanges_AndACountChangeAtMostOnceASecond()
    {
        var sim = new StreamSimulation(Live(3, Run(RunStatus.Running, 3)), cursor: 3);
        Assert.Equal(new SimulatedFrame(TimeSpan.Zero, "status", "Running: 3 of 10 invoices · 0:02 left"), sim.Frames[^1]);

        // The same run and totals published again (a poll after a notification): nothing to send.
        sim.RunUntil(Ms(100));
        sim.Publish(Live(3, Run(RunStatus.Running, 3)));
        Assert.Equal(2, sim.Frames.Count);

        // While it runs, the status follows the run, not the viewer's backlog; its counts wait for their
        // second (and go out with the newest), the run stopping goes out at once, and so does Idle.
        sim.RunUntil(Ms(200));
        sim.Publish(Live(4, Run(RunStatus.Running, 4)));
        sim.RunUntil(Ms(400));
        sim.Publish(Live(5, Run(RunStatus.Running, 5)));
        sim.RunUntil(Ms(1100));
        sim.Publish(Live(6, Run(RunStatus.Stopped, 6)));
        sim.RunUntil(Ms(3000));

        Assert.Equal(
            [new(Ms(200), "stats", "4 measured"), new(Ms(200), "row", "4"),
             new(Ms(400), "stats", "5 measured"), new(Ms(700), "row", "5"),
             new(Ms(1000), "status", "Running: 5 of 10 invoices · 0:01 left"),
             new(Ms(1100), "stats", "6 measured"), new(Ms(1100), "status", "Processing backlog (1 waiting)"),
             new(Ms(1200), "row", "6"), new(Ms(1200), "status", "Idle: Last run stopped at 6 of 10 invoices")],
            sim.Frames.Skip(2));
    }

    [Fact]
    public void AfterStop_TheWaitingCountFollowsTheRows_AtMostOncePerSecond_AndIdleGoesOutAtOnce()
    {
        var sim = new StreamSimulation(Live(10, Run(RunStatus.Stopped, 10)), cursor: 0);
        sim.RunUntil(Ms(6000));

        Assert.Equal(
            ["Processing backlog (9 waiting)", "Processing backlog (7 waiting)", "Processing backlog (5 waiting)",
             "Processing backlog (3 waiting)", "Processing backlog (1 waiting)", "Idle: Last run stopped at 10 of 10 invoices"],
            sim.OfKind("status").Select(f => f.Detail));
        Assert.Equal([Ms(0), Ms(1000), Ms(2000), Ms(3000), Ms(4000), Ms(4500)], sim.OfKind("status").Select(f => f.At));
    }

    [Fact]
    public void ABacklogsWaitingCount_IsFormattedOnlyWhenItGoesOut_NotOnEveryRow()
    {
        var sim = new StreamSimulation(Live(20, Run(RunStatus.Stopped, 20)), cursor: 0);
        sim.RunUntil(Ms(11000));

        // 20 rows, each moving the count; a status formatted per row was the stream's garbage at 10,000 viewers.
        Assert.Equal(20, sim.Rows.Count());
        Assert.Equal(11, sim.OfKind("status").Count()); // 10 counts, once a second, then Idle
        Assert.Equal(11, sim.StatusesFormatted);
    }

    [Fact]
    public void AHeldCount_GoesOutWhenItsSecondIsUp_EvenWithNothingElseToSend()
    {
        var sim = new StreamSimulation(Live(3, Run(RunStatus.Running, 3)), cursor: 3);
        sim.RunUntil(Ms(300));
        sim.Publish(Live(4, Run(RunStatus.Running, 4)));

        // Row 4 went out; its run's progress waits until a second after the last status, and the loop wakes for it.
        Assert.Equal(new SimulatedFrame(Ms(300), "row", "4"), sim.Frames[^1]);
        Assert.Equal(T0 + Ms(1000), sim.WakeAt);
        sim.RunUntil(Ms(5000));
        Assert.Equal([new(Ms(1000), "status", "Running: 4 of 10 invoices · 0:02 left")], sim.Frames.Skip(4));
    }

    [Fact]
    public void TheStatsFrame_GoesOutOnlyWhenTheLastInvoiceIdChanges_AndTheStreamsFirstIsNoLatency()
    {
        var sim = new StreamSimulation(Live(5, committedAt: T0 - TimeSpan.FromHours(1)), cursor: 5);
        sim.RunUntil(Ms(100));
        // Same totals, a later commit time and a run: a status frame, no stats frame.
        sim.Publish(Live(5, Run(RunStatus.Completed, 5), committedAt: T0));
        sim.RunUntil(Ms(200));
        sim.Publish(Live(6));
        sim.RunUntil(Ms(300));
        // A state that never saw a commit (the empty start state's clock) records no latency either.
        sim.Publish(Live(7, committedAt: DateTimeOffset.MinValue));

        Assert.Equal(
            [new(TimeSpan.Zero, "stats", "5"), new(Ms(200), "stats", "6 measured"), new(Ms(300), "stats", "7")],
            sim.OfKind("stats"));
    }

    [Fact]
    public void ARowTheDatabaseDoesNotHaveYet_IsAskedForAgainAfter250ms()
    {
        var sim = new StreamSimulation(Live(1), cursor: 0, nextRow: _ => null);
        sim.RunUntil(Ms(249));
        Assert.Empty(sim.Rows);

        // Every 250 ms while the database lags behind the announcement, then the row at once.
        Assert.Equal(T0 + Ms(250), sim.WakeAt);
        sim.NextRow = cursor => cursor + 1;
        sim.RunUntil(Ms(2000));

        Assert.Equal([(Ms(250), 1L)], sim.Rows);
    }

    [Fact]
    public void AFilteredStream_SkipsNonMatchingRows_WithoutSpendingAPacingSlot()
    {
        // Only every third invoice matches: the matching ones still go out every 500 ms, not every 1.5 s.
        var sim = new StreamSimulation(Live(30), cursor: 0, nextRow: c => c < 30 ? c + 1 : null, matches: id => id % 3 == 0);
        sim.RunUntil(TimeSpan.FromSeconds(20));

        Assert.Equal(Enumerable.Range(0, 10).Select(k => (Ms(500 * k), 3L * (k + 1))), sim.Rows);
        Assert.Equal(Enumerable.Range(1, 30).Where(id => id % 3 != 0).Select(id => (long)id), sim.Skipped);
    }

    [Fact]
    public void AFilteredStream_WhoseBacklogMatchesNothing_IdlesWithoutRetrying_AndSendsTheNextMatchAtOnce()
    {
        var newest = 10L;
        var sim = new StreamSimulation(Live(10), cursor: 0, nextRow: c => c < newest ? c + 1 : null, matches: id => id > 10);
        sim.RunUntil(TimeSpan.FromSeconds(5));
        Assert.Empty(sim.Rows);
        Assert.Equal(10, sim.Skipped.Count);
        // Nothing waiting: only the heartbeat wakes it (no 250 ms "missing row" retries, no busy loop).
        Assert.Equal(T0 + ViewerState.HeartbeatInterval, sim.WakeAt);

        newest = 11;
        sim.Publish(Live(11));
        Assert.Equal([(TimeSpan.FromSeconds(5), 11L)], sim.Rows);
    }

    [Fact]
    public void ALongRunOfNonMatchingRows_IsSkippedInSlices_AndTheNextMatchStillGoesOutAtOnce()
    {
        var last = DashboardStream.MaxSkipsPerStep * 3L;
        var sim = new StreamSimulation(Live(last), cursor: 0, nextRow: c => c < last ? c + 1 : null, matches: id => id == last);
        sim.RunUntil(Ms(1));

        Assert.Equal([(TimeSpan.Zero, last)], sim.Rows);
        Assert.Equal(last - 1, sim.Skipped.Count);
    }

    [Fact]
    public void Skip_OutsideADueRow_OrBackwards_IsRefused()
    {
        var viewer = new ViewerState(5, 2, (_, _) => DashboardFormatter.DatabaseLost, T0);
        Assert.Throws<InvalidOperationException>(() => viewer.Skip(6));
        viewer.Begin(Live(8), T0);
        Assert.Throws<ArgumentOutOfRangeException>(() => viewer.Skip(5));
        viewer.Skip(6);
        Assert.Equal(6, viewer.Cursor);
    }
}
