using System.ComponentModel;
using Hangfire;
using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// The demo's payment simulator (Simulation:PaymentsPerSecond above 0): a Hangfire job run every minute
/// that, for the next minute, pays that many random unpaid invoices a second on a drift-free schedule
/// (<see cref="GenerationSchedule"/>), each in full or in part (half and half), with a random method,
/// through <see cref="PaymentService"/> exactly as the form does: the same rules, row lock, ledger
/// entry, audit entry and live push. START and STOP do not touch it.
/// </summary>
public sealed class PaymentSimulatorJob(
    IServiceScopeFactory scopes, NpgsqlDataSource dataSource, LifecycleClock calendar, TimeProvider time, ILogger<PaymentSimulatorJob> logger,
    Random? random = null)
{
    public const string RecurringJobId = "payment-simulator";
    public const string Actor = "payment-simulator";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Random _random = random ?? Random.Shared;

    // A random point in the id range, then the first unpaid invoice from there (the primary key, in order).
    private const string PickSql = """
        SELECT invoice_number, total_amount - paid_amount FROM invoices
         WHERE voided_at IS NULL AND paid_amount < total_amount AND id >= @from
         ORDER BY id LIMIT 1
        """;

    /// <summary>Pays <paramref name="paymentsPerSecond"/> invoices a second for <see cref="Window"/>; returns how many payments it recorded.</summary>
    [DisplayName("Simulate {0} payments a second for a minute")]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(int paymentsPerSecond, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paymentsPerSecond, 1);
        var schedule = new GenerationSchedule(time.GetUtcNow(), paymentsPerSecond, checked(paymentsPerSecond * (int)Window.TotalSeconds));
        var recorded = 0;
        for (var n = 0; n < schedule.Target; n++)
        {
            var wait = schedule.DueAt(n) - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, cancellationToken);
            }

            if (await PayOneAsync(cancellationToken))
            {
                recorded++;
            }
        }

        logger.LogInformation("Payment simulator recorded {Recorded} of {Planned} payments", recorded, schedule.Target);
        return recorded;
    }

    /// <summary>One payment on a random unpaid invoice; false when there is none or the service refused it (someone paid first).</summary>
    public async Task<bool> PayOneAsync(CancellationToken cancellationToken)
    {
        if (await PickAsync(cancellationToken) is not var (number, balance))
        {
            return false;
        }

        var amount = balance <= 0.01m || _random.Next(2) == 0
            ? balance
            : Math.Clamp(decimal.Round(balance * (decimal)(0.1 + (_random.NextDouble() * 0.8)), 2, MidpointRounding.AwayFromZero), 0.01m, balance - 0.01m);
        var request = new PaymentRequest(number, amount, (PaymentMethod)_random.Next(4), $"SIM-{_random.Next(100_000, 1_000_000)}",
            calendar.Today, Guid.NewGuid());
        await using var scope = scopes.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<PaymentService>().RecordAsync(request, Actor, cancellationToken);
        return result is PaymentResult.Recorded;
    }

    private async Task<(string Number, decimal Balance)?> PickAsync(CancellationToken cancellationToken)
    {
        await using var last = dataSource.CreateCommand("SELECT coalesce(max(id), 0) FROM invoices");
        var maxId = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        if (maxId == 0)
        {
            return null;
        }

        // From a random id on; past the last unpaid one, from the start.
        foreach (var from in new[] { _random.NextInt64(1, maxId + 1), 1 })
        {
            await using var cmd = dataSource.CreateCommand(PickSql);
            cmd.Parameters.AddWithValue("from", from);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            if (await r.ReadAsync(cancellationToken))
            {
                return (r.GetString(0), r.GetDecimal(1));
            }
        }

        return null;
    }
}
