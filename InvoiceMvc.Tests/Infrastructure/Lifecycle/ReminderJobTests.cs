using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

/// <summary>
/// The reminders job on a fake clock over real PostgreSQL (<see cref="LifecycleDatabase"/>: on 2026-03-10
/// only INV-0000002 is overdue, 38 days past its due date of 2026-01-31, balance 11.50): one reminder per
/// overdue invoice, none again within Reminders:IntervalDays, none for a paid or void invoice, and
/// each in the invoice's activity.
/// </summary>
public sealed class ReminderJobTests
{
    [Fact]
    public async Task AnOverdueInvoice_IsRemindedOnce_ThenAgainWhenTheIntervalHasPassed()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        var job = Job(l);

        Assert.Equal(1, await job.RunAsync(CancellationToken.None));
        Assert.Equal(0, await job.RunAsync(CancellationToken.None)); // the same day: once
        Assert.Equal("2:2026-03-10:11.50:38", await RemindersAsync(l));

        l.Clock.Advance(TimeSpan.FromDays(6)); // 2026-03-16: six days since
        Assert.Equal(0, await job.RunAsync(CancellationToken.None));
        l.Clock.Advance(TimeSpan.FromDays(1)); // 2026-03-17: seven days since
        Assert.Equal(1, await job.RunAsync(CancellationToken.None));
        Assert.Equal("2:2026-03-10:11.50:38,2:2026-03-17:11.50:45", await RemindersAsync(l));

        var activity = (await new InvoiceLifecycleQueries(l.Db.DataSource).LoadAsync("INV-0000002"))!.Activity;
        Assert.Equal([38, 45], activity.Where(a => a.Kind == InvoiceActivityKind.Reminder).Select(a => a.DaysPastDue ?? 0));
    }

    [Fact]
    public async Task APartPayment_IsRemindedForWhatIsLeft_APaidOrVoidInvoiceNever_AndTheDueDayItselfIsNotOverdue()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request("INV-0000002", 1.50m)));
        Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request("INV-0000001", 115.00m)));
        Assert.IsType<VoidResult.Voided>(await l.VoidAsync("INV-0000003", "issued twice"));
        l.Clock.Advance(TimeSpan.FromDays(21)); // 2026-03-31: INV-0000001's due day (paid anyway), INV-0000003's the day after (void)

        Assert.Equal(1, await Job(l).RunAsync(CancellationToken.None));
        Assert.Equal("2:2026-03-31:10.00:59", await RemindersAsync(l));
    }

    [Fact]
    public async Task TwoRunsAtOnce_RemindEachInvoiceOnce()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        l.Clock.Advance(TimeSpan.FromDays(30)); // 2026-04-09: all three overdue

        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Job(l).RunAsync(CancellationToken.None))));

        Assert.Equal(3, counts.Sum());
        Assert.Equal("1:2026-04-09:115.00:9,2:2026-04-09:11.50:68,3:2026-04-09:23.00:8", await RemindersAsync(l));
    }

    [Fact]
    public async Task Reminders_AreAppendOnly()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        await Job(l).RunAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => l.Db.ExecuteAsync("DELETE FROM payment_reminders"));
        Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
    }

    private static ReminderJob Job(LifecycleDatabase l) =>
        new(l.Db.DataSource, l.Calendar, Options.Create(new RemindersOptions { IntervalDays = 7 }), NullLogger<ReminderJob>.Instance);

    private static Task<string> RemindersAsync(LifecycleDatabase l) => l.Db.ScalarAsync<string>(
        "SELECT coalesce(string_agg(invoice_id || ':' || reminded_on || ':' || balance || ':' || days_past_due, ',' ORDER BY invoice_id, reminded_on), '') FROM payment_reminders");
}
