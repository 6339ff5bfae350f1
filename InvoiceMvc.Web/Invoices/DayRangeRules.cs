using System.Linq.Expressions;
using FluentValidation;
using static InvoiceMvc.Web.Invoices.InvoiceFilterInput;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The from/to fields of a range of invoice days (ISO dates, both included), as the explorer's filter
/// and the analytics page both take them: one set of rules and messages, keyed "from" and "to".
/// </summary>
public static class DayRangeRules
{
    public static void Add<T>(AbstractValidator<T> validator, Expression<Func<T, string?>> from, Expression<Func<T, string?>> to)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        var fromValue = from.Compile();
        var toValue = to.Compile();
        validator.RuleFor(from).Must(v => Blank(v) is null || ParseDate(v) is not null).OverridePropertyName("from")
            .WithMessage("From must be a date like 2026-12-31.");
        validator.RuleFor(to).Must(v => Blank(v) is null || ParseDate(v) is not null).OverridePropertyName("to")
            .WithMessage("To must be a date like 2026-12-31.");
        validator.RuleFor(to).Must((x, t) => ParseDate(t) >= ParseDate(fromValue(x)))
            .When(x => ParseDate(fromValue(x)) is not null && ParseDate(toValue(x)) is not null).OverridePropertyName("to")
            .WithMessage("To must be on or after From.");
    }
}
