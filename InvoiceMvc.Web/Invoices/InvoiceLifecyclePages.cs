using System.Globalization;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Web.Invoices;

/// <summary>What the signed-in user may do to an invoice: record payments (Operator, Admin), void (Admin).</summary>
public sealed record LifecycleAccess(bool CanPay, bool CanVoid)
{
    public static readonly LifecycleAccess ReadOnly = new(false, false);
}

/// <summary>The forms as the user left them after a refusal (null: fresh forms), and the message of the last success.</summary>
public sealed record LifecycleFormState(PaymentForm? Payment = null, (string Field, string Message)? PaymentError = null, string? VoidReason = null, string? VoidError = null, string? Flash = null)
{
    public static readonly LifecycleFormState Fresh = new();
}

/// <summary>
/// The detail page's lifecycle (lines, standing, activity, forms) and its live part, formatted in the
/// display culture. Status and balance come from <see cref="InvoiceStanding.Of"/> on <see cref="LifecycleClock.Today"/>.
/// </summary>
public sealed class InvoiceLifecyclePages(InvoiceLifecycleQueries queries, DashboardFormatter formatter, LifecycleClock calendar)
{
    public const string LivePartial = "~/Views/InvoiceDocuments/_InvoiceLive.cshtml";

    public async Task<InvoiceLifecycleView?> LoadAsync(string invoiceNumber, LifecycleAccess access, LifecycleFormState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(state);
        var lifecycle = await queries.LoadAsync(invoiceNumber, cancellationToken);
        if (lifecycle is null)
        {
            return null;
        }

        var today = calendar.Today;
        var standing = lifecycle.StandingOn(today);
        var payable = access.CanPay && standing.Status is not (InvoiceStatus.Paid or InvoiceStatus.Void);
        var voidable = access.CanVoid && !lifecycle.IsVoid && lifecycle.Paid == 0m;
        var pageError = state.PaymentError is { } pe && (!payable || pe.Field == "InvoiceNumber") ? pe.Message
            : state.VoidError is { } ve && !voidable ? ve
            : null;
        return new InvoiceLifecycleView(
            [.. lifecycle.Lines.Select(l => new LineItemView(l.LineNo, l.Description, l.Quantity, formatter.Money(l.UnitPrice), formatter.Money(l.Amount)))],
            Live(lifecycle, today),
            payable ? PaymentForm(lifecycle, standing, today, state) : null,
            voidable ? new VoidFormView(state.VoidReason ?? "", state.VoidError) : null,
            state.Flash,
            pageError);
    }

    /// <summary>The live part of invoice <paramref name="invoiceId"/> as it is now, for an out-of-band swap; null if there is no such invoice.</summary>
    public async Task<InvoiceLiveView?> LiveAsync(long invoiceId, CancellationToken cancellationToken) =>
        await queries.LoadAsync(InvoiceNumber.Format(invoiceId), cancellationToken) is { } lifecycle
            ? Live(lifecycle, calendar.Today) with { SwapOob = true }
            : null;

    private InvoiceLiveView Live(InvoiceLifecycle lifecycle, DateOnly today)
    {
        var standing = lifecycle.StandingOn(today);
        var view = new InvoiceStandingView(
            InvoiceStanding.Label(standing.Status),
            StatusKey(standing.Status),
            lifecycle.DueDate.ToString(formatter.Culture.DateTimeFormat.ShortDatePattern, formatter.Culture),
            lifecycle.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            formatter.Money(standing.Paid),
            formatter.Money(standing.Balance));
        return new InvoiceLiveView(lifecycle.InvoiceId, view, [.. lifecycle.Activity.Select(Activity)]);
    }

    /// <summary>The CSS class suffix of a status ("partially-paid").</summary>
    public static string StatusKey(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Open => "open",
        InvoiceStatus.PartiallyPaid => "partially-paid",
        InvoiceStatus.Paid => "paid",
        InvoiceStatus.Overdue => "overdue",
        InvoiceStatus.Void => "void",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not an invoice status."),
    };

    private ActivityView Activity(InvoiceActivity a) => a.Kind switch
    {
        InvoiceActivityKind.Issued => new(formatter.Date(a.At), InvoiceDocuments.Iso(a.At), "Generator", $"Issued for {formatter.Money(a.Amount ?? 0m)}"),
        InvoiceActivityKind.Payment => new(formatter.Date(a.At), InvoiceDocuments.Iso(a.At), a.Actor ?? "(unknown)",
            $"Payment of {formatter.Money(a.Amount ?? 0m)} by {(a.Method is { } m ? Invoices.PaymentForm.Label(m).ToLowerInvariant() : "an unknown method")}"
            + (a.Reference is { Length: > 0 } r ? $", reference {r}" : "")
            + (a.PaidOn is { } d ? $", paid on {d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : "")),
        InvoiceActivityKind.Voided => new(formatter.Date(a.At), InvoiceDocuments.Iso(a.At), a.Actor ?? "(unknown)", $"Voided: {a.Reason}"),
        InvoiceActivityKind.Reminder => new(formatter.Date(a.At), InvoiceDocuments.Iso(a.At), "Reminders job",
            $"Payment reminder: {formatter.Money(a.Amount ?? 0m)} due, {a.DaysPastDue} {(a.DaysPastDue == 1 ? "day" : "days")} past the due date"),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a.Kind, "Not an activity kind."),
    };

    private static PaymentFormView PaymentForm(InvoiceLifecycle lifecycle, InvoiceStanding standing, DateOnly today, LifecycleFormState state)
    {
        var iso = (DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var issued = DateOnly.FromDateTime(lifecycle.IssuedAt.UtcDateTime);
        var errors = state.PaymentError is { } e ? new Dictionary<string, string> { [e.Field] = e.Message } : new Dictionary<string, string>();
        var posted = state.Payment;
        return new PaymentFormView(
            posted?.Amount ?? standing.Balance.ToString("0.00", CultureInfo.InvariantCulture),
            posted?.Method ?? nameof(PaymentMethod.BankTransfer),
            posted?.Reference ?? "",
            posted?.PaidOn ?? iso(today),
            // A refused form keeps its key: the same payment sent again after a fix is still one payment.
            posted?.IdempotencyKey is { Length: > 0 } key ? key : Guid.NewGuid().ToString(),
            iso(issued),
            iso(today),
            errors);
    }
}
