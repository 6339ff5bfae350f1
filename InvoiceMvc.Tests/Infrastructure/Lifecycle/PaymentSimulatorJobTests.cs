using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

/// <summary>
/// The payment simulator on a fake clock over real PostgreSQL (<see cref="LifecycleDatabase"/>'s three
/// invoices): one payment per 1/rate seconds exactly, each through PaymentService (its audit entry,
/// its ledger entry), in full or in part, never above a balance, until nothing is left to pay.
/// </summary>
public sealed class PaymentSimulatorJobTests
{
    [Fact]
    public async Task AtTwoASecond_ItPaysEveryHalfSecond_ThroughThePaymentService_UntilEverythingIsPaid()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        await using var services = Services(l);
        var simulator = new PaymentSimulatorJob(services.GetRequiredService<IServiceScopeFactory>(), l.Db.DataSource, l.Calendar, l.Clock,
            NullLogger<PaymentSimulatorJob>.Instance, new Random(7));

        var run = simulator.RunAsync(2, CancellationToken.None);
        // Half a second at a time: payment k is recorded at k x 0.5 s (recorded_at is the fake clock's), until all three are paid.
        for (var k = 0; k < 120; k++)
        {
            await Eventually.TrueAsync(async () => run.IsCompleted || await PaidUpAsync(l)
                    || await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments") == k + 1,
                TimeSpan.FromSeconds(20), $"payment {k + 1} is recorded at {k * 0.5} s");
            if (run.IsCompleted || await PaidUpAsync(l))
            {
                break;
            }

            l.Clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        l.Clock.Advance(PaymentSimulatorJob.Window); // the rest of the minute: nothing left to pay
        var recorded = await run;

        var payments = await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments");
        Assert.Equal(payments, recorded);
        Assert.InRange(payments, 4, 60); // three invoices, at least one of them in parts (seed 7)
        Assert.Equal(3L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE paid_amount = total_amount"));
        // Every half second from the start, none between.
        var offsets = await l.Db.ScalarAsync<double[]>(
            $"SELECT array_agg(extract(epoch FROM recorded_at - '{LifecycleDatabase.Now:O}'::timestamptz)::float8 ORDER BY id) FROM payments");
        Assert.Equal(Enumerable.Range(0, (int)payments).Select(i => i * 0.5), offsets);
        Assert.Equal(payments, await l.Db.ScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE action = 'Payment' AND user_name = '{PaymentSimulatorJob.Actor}'"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(l.Db));
    }

    [Fact]
    public async Task WithNothingLeftToPay_ItRecordsNothing()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        await l.Db.ExecuteAsync("UPDATE invoices SET voided_at = now(), voided_by = 'admin', void_reason = 'test'");
        await using var services = Services(l);
        var simulator = new PaymentSimulatorJob(services.GetRequiredService<IServiceScopeFactory>(), l.Db.DataSource, l.Calendar, l.Clock,
            NullLogger<PaymentSimulatorJob>.Instance, new Random(7));

        Assert.False(await simulator.PayOneAsync(CancellationToken.None));
        Assert.Equal(0L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments"));
    }

    private static async Task<bool> PaidUpAsync(LifecycleDatabase l) =>
        await l.Db.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE paid_amount = total_amount") == 3;

    // One DbContext and PaymentService per scope, as the app's DI builds them per request.
    private static ServiceProvider Services(LifecycleDatabase l) => new ServiceCollection()
        .AddScoped(_ => l.NewContext())
        .AddScoped(sp => l.Payments(sp.GetRequiredService<InvoiceDbContext>()))
        .BuildServiceProvider();
}
