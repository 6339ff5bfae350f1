using System.Globalization;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The payment form as posted: every field a string, so what the user typed survives a refusal and is
/// shown back beside its message. <see cref="TryParse"/> turns it into a <see cref="PaymentRequest"/>,
/// whose own rules (PaymentRequestValidator) and the service's checks under the invoice's lock come after.
/// </summary>
public sealed record PaymentForm
{
    public string? Amount { get; init; }
    public string? Method { get; init; }
    public string? Reference { get; init; }
    public string? PaidOn { get; init; }
    public string? IdempotencyKey { get; init; }

    /// <summary>The methods a form offers, in its order, with their labels.</summary>
    public static readonly IReadOnlyList<(PaymentMethod Method, string Label)> Methods =
    [
        (PaymentMethod.BankTransfer, "Bank transfer"),
        (PaymentMethod.Card, "Card"),
        (PaymentMethod.Cash, "Cash"),
        (PaymentMethod.MobileMoney, "Mobile money"),
    ];

    public static string Label(PaymentMethod method) => Methods.First(m => m.Method == method).Label;

    public bool TryParse(string invoiceNumber, out PaymentRequest? request, out (string Field, string Message) error)
    {
        request = null;
        if (!decimal.TryParse(Amount?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            error = (nameof(Amount), "Enter the amount as a number, such as 125.50.");
            return false;
        }

        if (!Enum.TryParse<PaymentMethod>(Method, ignoreCase: false, out var method) || !Enum.IsDefined(method) || int.TryParse(Method, out _))
        {
            error = (nameof(Method), "Choose a payment method.");
            return false;
        }

        if (!DateOnly.TryParseExact(PaidOn?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var paidOn))
        {
            error = (nameof(PaidOn), "Enter the payment date as a date, such as 2026-12-02.");
            return false;
        }

        if (!Guid.TryParse(IdempotencyKey, out var key) || key == Guid.Empty)
        {
            error = (nameof(IdempotencyKey), "The form is out of date: reload the page and enter the payment again.");
            return false;
        }

        request = new PaymentRequest(invoiceNumber, amount, method, string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(), paidOn, key);
        error = default;
        return true;
    }
}
