using InvoiceMvc.Domain.Lifecycle;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// "Today" for everything that compares with a due date: statuses, the status filter, aging, the
/// payment form's date. It is the clock's UTC day plus <see cref="ClockOptions.ShiftDays"/>, which
/// only a non-production environment may set, so a demo or a test can show overdue invoices without
/// waiting 30 days. Times (a payment's recorded_at, invoice dates) are never shifted.
/// </summary>
public sealed class LifecycleClock(TimeProvider time, IOptions<ClockOptions> options)
{
    public DateOnly Today => Aging.Today(time).AddDays(options.Value.ShiftDays);
}
