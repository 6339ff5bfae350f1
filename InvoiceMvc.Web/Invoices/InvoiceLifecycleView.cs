namespace InvoiceMvc.Web.Invoices;

/// <summary>An invoice's status and money on the clock's day, formatted; <see cref="StatusKey"/> names its CSS class.</summary>
public sealed record InvoiceStandingView(string Status, string StatusKey, string DueDate, string DueDateIso, string Paid, string Balance);

public sealed record LineItemView(int LineNo, string Description, int Quantity, string UnitPrice, string Amount);

/// <summary>One event of the activity log: when (display and ISO), who ("the generator" for the issue), and what.</summary>
public sealed record ActivityView(string At, string AtIso, string Who, string What);

/// <summary>
/// The part of the detail page that a payment or void changes: its standing and activity. Sent again
/// over the page's stream as an out-of-band swap (<see cref="SwapOob"/>) when the invoice changes.
/// </summary>
public sealed record InvoiceLiveView(long InvoiceId, InvoiceStandingView Standing, IReadOnlyList<ActivityView> Activity)
{
    public bool SwapOob { get; init; }
}

/// <summary>The payment form as the user left it, with a message per field that was refused.</summary>
public sealed record PaymentFormView(string Amount, string Method, string Reference, string PaidOn, string IdempotencyKey, string MinPaidOn, string MaxPaidOn, IReadOnlyDictionary<string, string> Errors)
{
    public string? Error(string field) => Errors.GetValueOrDefault(field);
}

/// <summary>The void form as the user left it.</summary>
public sealed record VoidFormView(string Reason, string? Error);

/// <summary>
/// The detail page's lifecycle: lines, the live part, the forms this user may use on this invoice now,
/// the message of the last success, and a refusal that belongs to no field shown (an invoice already
/// paid or void, say).
/// </summary>
public sealed record InvoiceLifecycleView(
    IReadOnlyList<LineItemView> Lines,
    InvoiceLiveView Live,
    PaymentFormView? Payment,
    VoidFormView? Void,
    string? Flash,
    string? Error);
