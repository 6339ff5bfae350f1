using InvoiceMvc.Infrastructure.Events;

namespace InvoiceMvc.Tests.Infrastructure.Events;

/// <summary>The hub's log of invoices that changed after they were issued, as streams read it.</summary>
public sealed class LiveStateHubTests
{
    [Fact]
    public async Task InvoiceChanges_AreNumberedInOrder_AndWakeWaiters()
    {
        var hub = new LiveStateHub();
        var seen = hub.Version;
        var woken = hub.WaitForChangeAsync(seen, CancellationToken.None);
        Assert.False(woken.IsCompleted);

        hub.PublishInvoiceChanged(42);
        hub.PublishInvoiceChanged(7);
        hub.PublishInvoiceChanged(42);

        await woken.WaitAsync(TimeSpan.FromSeconds(5));
        var changes = new List<(long Number, long InvoiceId)>();
        Assert.Equal(3, hub.ChangesSince(0, changes));
        Assert.Equal([(1L, 42L), (2L, 7L), (3L, 42L)], changes);

        changes.Clear();
        Assert.Equal(3, hub.ChangesSince(2, changes));
        Assert.Equal([(3L, 42L)], changes);

        changes.Clear();
        Assert.Equal(3, hub.ChangesSince(3, changes));
        Assert.Empty(changes);
    }

    [Fact]
    public void TheFirstStateOfAnEmptyDatabase_MakesTheHubReady_ThoughItEqualsEmpty()
    {
        var hub = new LiveStateHub();
        Assert.False(hub.Ready.IsCompleted);

        Assert.False(hub.Publish(LiveState.Empty)); // not newer: nothing to wake
        Assert.True(hub.Ready.IsCompletedSuccessfully);
        Assert.Equal(0, hub.Version);
    }

    [Fact]
    public void AStreamFurtherBehindThanTheLog_GetsTheNewestChangesOnly()
    {
        var hub = new LiveStateHub();
        var total = LiveStateHub.ChangeLogCapacity + 10;
        for (var id = 1; id <= total; id++)
        {
            hub.PublishInvoiceChanged(id);
        }

        var changes = new List<(long Number, long InvoiceId)>();
        Assert.Equal(total, hub.ChangesSince(0, changes));
        Assert.Equal(LiveStateHub.ChangeLogCapacity, changes.Count);
        Assert.Equal((11L, 11L), changes[0]);
        Assert.Equal(((long)total, (long)total), changes[^1]);
    }
}
