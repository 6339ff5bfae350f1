using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// The recurring payment-reminders job: one statement records a reminder (payment_reminders, the
/// outbox a mailer would send from) for every invoice overdue on <see cref="LifecycleClock.Today"/>
/// that has had none in the last Reminders:IntervalDays days. Idempotent: the unique (invoice, day)
/// makes a second run on the same day, or two at once, remind each invoice once. Overdue is the
/// status filter's condition, so it reads the unpaid-by-due-date partial index.
/// </summary>
public sealed class ReminderJob(NpgsqlDataSource dataSource, LifecycleClock calendar, IOptions<RemindersOptions> options, ILogger<ReminderJob> logger)
{
    public const string RecurringJobId = "payment-reminders";

    private const string Sql = """
        INSERT INTO payment_reminders (invoice_id, reminded_on, balance, days_past_due)
        SELECT i.id, @today, i.total_amount - i.paid_amount, @today - i.due_date
          FROM invoices i
         WHERE i.voided_at IS NULL AND i.paid_amount < i.total_amount AND i.due_date < @today
           AND NOT EXISTS (SELECT 1 FROM payment_reminders r
                            WHERE r.invoice_id = i.id AND r.reminded_on > @today - @interval)
        ON CONFLICT (invoice_id, reminded_on) DO NOTHING
        """;

    /// <summary>Records today's reminders; returns how many.</summary>
    [DisplayName("Record payment reminders for overdue invoices")]
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = [10, 60, 300])]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var today = calendar.Today;
        await using var cmd = dataSource.CreateCommand(Sql);
        cmd.Parameters.AddWithValue("today", today);
        cmd.Parameters.AddWithValue("interval", options.Value.IntervalDays);
        var reminded = await cmd.ExecuteNonQueryAsync(cancellationToken);
        logger.LogInformation("Recorded {Count} payment reminders for {Today}", reminded, today);
        return reminded;
    }
}
