using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;
using Microsoft.Extensions.Options;
using static InvoiceMvc.Tests.Web.Dashboard.StreamSimulation;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>
/// The stream's decisions while the hub says PostgreSQL is lost, stepped by hand on fixed times: the
/// outage status once, no rows, and the normal status again the moment the database is back.
/// </summary>
public sealed class DatabaseLostStatusTests
{
    private static readonly DashboardFormatter Formatter = new(Options.Create(new DisplayOptions()), new LifecycleClock(TimeProvider.System, Options.Create(new ClockOptions())));

    [Fact]
    public void WhileTheDatabaseIsLost_TheStatusSaysSoOnce_NoRowIsFetched_ThenTheRunsStatusComesBack()
    {
        var running = Live(20, Run(RunStatus.Running, 20, 600));
        var viewer = new ViewerState(cursor: 20, ratePerSecond: 2, Formatter.Status, T0);

        var before = Step(viewer, running, T0, reachable: true);
        Assert.Equal(DashboardState.Running, before.Status?.State);

        var lost = Step(viewer, running, T0.AddSeconds(1), reachable: false);
        Assert.Same(DashboardFormatter.DatabaseLost, lost.Status);
        Assert.False(lost.Status!.CanStart);
        Assert.False(lost.Status.CanStop);
        Assert.Equal("Connection to the database lost — retrying", lost.Status.Headline);

        // Still lost a second later: nothing new to say.
        Assert.Null(Step(viewer, running, T0.AddSeconds(2), reachable: false).Status);

        // Back, with the same run and backlog as before the outage: the run's status is sent again all the same.
        var back = Step(viewer, running, T0.AddSeconds(3), reachable: true);
        Assert.Equal(before.Status, back.Status);
    }

    [Fact]
    public void ABacklog_IsNotFetchedWhileTheDatabaseIsLost_AndResumesPacedFromTheFirstRow()
    {
        var backlog = Live(10, Run(RunStatus.Completed, 10, 10));
        var viewer = new ViewerState(cursor: 0, ratePerSecond: 2, Formatter.Status, T0);

        var start = viewer.Begin(backlog, T0, databaseReachable: false);
        Assert.False(start.FetchRow);
        var end = viewer.End(T0, fetchedRowId: null);
        Assert.Same(DashboardFormatter.DatabaseLost, end.Status);
        // Nothing due: it wakes for the heartbeat, or sooner when the hub changes (the database coming back).
        Assert.Equal(T0 + ViewerState.HeartbeatInterval, end.WakeAt);

        var resumed = T0.AddSeconds(5);
        Assert.True(viewer.Begin(backlog, resumed, databaseReachable: true).FetchRow);
        var first = viewer.End(resumed, fetchedRowId: 1);
        Assert.True(first.SendRow);
        Assert.Equal(DashboardState.ProcessingBacklog, first.Status?.State);
        Assert.Equal(resumed.AddMilliseconds(500), first.WakeAt);
    }

    private static ViewerState.StepEnd Step(ViewerState viewer, LiveState state, DateTimeOffset now, bool reachable)
    {
        var start = viewer.Begin(state, now, reachable);
        Assert.False(start.FetchRow);
        return viewer.End(now, fetchedRowId: null);
    }
}
