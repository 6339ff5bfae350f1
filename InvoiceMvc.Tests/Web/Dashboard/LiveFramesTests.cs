using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>The shared status views and frames (real formatter and Razor), which 10,000 viewers ask for every second.</summary>
public sealed class LiveFramesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AStatusView_IsMadeOncePerRunAndBacklog_AndEveryViewerOfARunningRunSharesOne()
    {
        await using var app = await DashboardApp.StartAsync();
        var frames = app.Service<LiveFrames>();
        var formatter = app.Service<DashboardFormatter>();
        var stopped = new RunSnapshot(1, RunStatus.Stopped, 40, 1500, 5, T0, T0.AddSeconds(8));
        var running = new RunSnapshot(2, RunStatus.Running, 40, 1500, 5, T0, null);

        var backlog = frames.Status(stopped, 7);
        Assert.Same(backlog, frames.Status(stopped with { }, 7));
        Assert.Equal(formatter.Status(stopped, 7), backlog);
        Assert.NotEqual(backlog, frames.Status(stopped, 6));

        // While a run runs, the status follows the run, not the viewer's backlog.
        Assert.Same(frames.Status(running, 3), frames.Status(running, 900));
        Assert.Equal(formatter.Status(running, 3), frames.Status(running, 900));
    }

    [Fact]
    public async Task AStatusFrame_IsRenderedOncePerDistinctView()
    {
        await using var app = await DashboardApp.StartAsync();
        var frames = app.Service<LiveFrames>();
        var formatter = app.Service<DashboardFormatter>();
        var run = new RunSnapshot(1, RunStatus.Completed, 1500, 1500, 5, T0, T0.AddMinutes(5));

        var frame = frames.StatusAsync(formatter.Status(run, 12));
        Assert.Same(frame, frames.StatusAsync(formatter.Status(run, 12)));
        Assert.NotSame(frame, frames.StatusAsync(formatter.Status(run, 11)));
        Assert.Contains("Processing backlog (12 waiting)", System.Text.Encoding.UTF8.GetString(await frame), StringComparison.Ordinal);
    }
}
