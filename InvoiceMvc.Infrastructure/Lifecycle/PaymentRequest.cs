using FluentValidation;
using InvoiceMvc.Domain.Lifecycle;

namespace InvoiceMvc.Infrastructure.Lifecycle;

/// <summary>
/// A payment to record. <see cref="IdempotencyKey"/> comes with the form, so a double submit records once.
/// </summary>
public sealed record PaymentRequest(string InvoiceNumber, decimal Amount, PaymentMethod Method, string? Reference, DateOnly PaidOn, Guid IdempotencyKey);

/// <summary>
/// The rules a payment request can be checked against without the invoice: the amount (above zero,
/// cents at most), the method, the reference's length, a date not in the future (<see cref="LifecycleClock.Today"/>).
/// Whether it fits the balance and is not before the issue date is checked by <see cref="PaymentService"/>
/// under the invoice's row lock, and the database refuses an overpayment whatever the code does.
/// </summary>
public sealed class PaymentRequestValidator : AbstractValidator<PaymentRequest>
{
    public const int MaxReferenceLength = 100;

    /// <summary>What numeric(14,2) holds.</summary>
    public const decimal MaxAmount = 999_999_999_999.99m;

    public PaymentRequestValidator(LifecycleClock calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        RuleFor(x => x.InvoiceNumber).NotEmpty().WithMessage("Say which invoice is paid.");
        RuleFor(x => x.Amount)
            .GreaterThan(0m).WithMessage("The amount must be more than 0.")
            .LessThanOrEqualTo(MaxAmount).WithMessage("The amount is too large.")
            .Must(a => decimal.Round(a, 2) == a).WithMessage("The amount can have at most 2 decimals.");
        RuleFor(x => x.Method).IsInEnum().WithMessage("Choose a payment method.");
        RuleFor(x => x.Reference).MaximumLength(MaxReferenceLength).WithMessage($"The reference can be at most {MaxReferenceLength} characters.");
        RuleFor(x => x.PaidOn)
            .Must(d => d <= calendar.Today).WithMessage("The payment date cannot be in the future.");
        RuleFor(x => x.IdempotencyKey).NotEmpty().WithMessage("The form is missing its idempotency key; reload it.");
    }
}
