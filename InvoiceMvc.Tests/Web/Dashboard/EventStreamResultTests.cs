using System.Runtime.CompilerServices;
using InvoiceMvc.Web.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace InvoiceMvc.Tests.Web.Dashboard;

public sealed class EventStreamResultTests
{
    [Fact]
    public async Task AViewerLeavingWhileTheStreamWaits_EndsTheStreamQuietly_NotWithAnErrorFromItsDisposal()
    {
        using var viewer = new CancellationTokenSource();
        var sent = new LeavingViewer(viewer);
        var http = new DefaultHttpContext { RequestAborted = viewer.Token };
        http.Response.Body = sent;
        var stepEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The flush of the first frame fails as the viewer leaves, while the stream waits for its next frame.
        // As the app runs it: the action opens the stream, the middleware after the pipeline writes it.
        await EventStreamResult.WriteAfterPipelineAsync(http,
            h => new EventStreamResult(Frames(stepEnded)).ExecuteResultAsync(new ActionContext(h, new RouteData(), new())));

        Assert.True(stepEnded.Task.IsCompleted, "the stream's step ended before it was disposed");
        Assert.True(viewer.IsCancellationRequested);
        Assert.Equal(1, sent.Writes);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Frames(TaskCompletionSource stepEnded, [EnumeratorCancellation] CancellationToken ct = default)
    {
        try
        {
            yield return "event: stats\ndata: x\n\n"u8.ToArray();
            // Like the stream's wait: woken on cancellation, on the thread pool, and its step takes a moment to end.
            var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (ct.Register(() => wake.TrySetResult()))
            {
                await wake.Task;
            }

            await Task.Delay(100, CancellationToken.None);
        }
        finally
        {
            stepEnded.TrySetResult();
        }
    }

    /// <summary>A response body whose connection drops on the first write, the way Kestrel's does when the viewer has gone.</summary>
    private sealed class LeavingViewer(CancellationTokenSource viewer) : MemoryStream
    {
        public int Writes { get; private set; }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            await viewer.CancelAsync();
            throw new IOException("The viewer left.");
        }
    }
}
