using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// Registers the lifecycle's Hangfire recurring jobs at start-up, so admins see them, trigger them and
/// read their history in the Hangfire dashboard: the payment reminders on Reminders:Cron (UTC), and
/// the payment simulator every minute while Simulation:PaymentsPerSecond is above 0 (removed when it
/// is 0). Every instance does this; Hangfire keeps one recurring job per id. A cron Hangfire cannot
/// read stops start-up with a message naming the setting.
/// </summary>
public sealed class LifecycleJobSchedule(IRecurringJobManager recurringJobs, IOptions<RemindersOptions> reminders, IOptions<SimulationOptions> simulation)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cron = reminders.Value.Cron;
        var utc = new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc };
        try
        {
            recurringJobs.AddOrUpdate<ReminderJob>(ReminderJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), cron, utc);
        }
        catch (ArgumentException ex)
        {
            throw new OptionsValidationException(RemindersOptions.SectionName, typeof(RemindersOptions),
                [$"Reminders:Cron \"{cron}\" is not a cron expression Hangfire can read (e.g. \"0 8 * * *\"): {ex.Message}"]);
        }

        var rate = simulation.Value.PaymentsPerSecond;
        if (rate > 0)
        {
            recurringJobs.AddOrUpdate<PaymentSimulatorJob>(PaymentSimulatorJob.RecurringJobId, job => job.RunAsync(rate, CancellationToken.None), Cron.Minutely(), utc);
        }
        else
        {
            recurringJobs.RemoveIfExists(PaymentSimulatorJob.RecurringJobId);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
