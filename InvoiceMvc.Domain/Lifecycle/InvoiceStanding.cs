namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>
/// An invoice's money and status on a given day. <see cref="Of"/> is the ONE place a status is
/// derived: the database stores what happened (total, paid amount, due date, voided), never the status,
/// so nothing can disagree with it.
/// </summary>
public sealed record InvoiceStanding(decimal Total, decimal Paid, decimal Balance, InvoiceStatus Status)
{
    /// <summary>
    /// Void wins; then Paid (nothing left); then Overdue (a balance after the due date: the due day
    /// itself is not overdue); then PartiallyPaid; else Open. A void invoice has balance 0.
    /// </summary>
    public static InvoiceStanding Of(decimal total, decimal paid, DateOnly dueDate, bool voided, DateOnly today)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfNegative(paid);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paid, total);

        if (voided)
        {
            return new InvoiceStanding(total, paid, 0m, InvoiceStatus.Void);
        }

        var balance = total - paid;
        var status = balance == 0m ? InvoiceStatus.Paid
            : today > dueDate ? InvoiceStatus.Overdue
            : paid > 0m ? InvoiceStatus.PartiallyPaid
            : InvoiceStatus.Open;
        return new InvoiceStanding(total, paid, balance, status);
    }

    /// <summary>Human label for a status ("Partially paid").</summary>
    public static string Label(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Open => "Open",
        InvoiceStatus.PartiallyPaid => "Partially paid",
        InvoiceStatus.Paid => "Paid",
        InvoiceStatus.Overdue => "Overdue",
        InvoiceStatus.Void => "Void",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not an invoice status."),
    };
}
