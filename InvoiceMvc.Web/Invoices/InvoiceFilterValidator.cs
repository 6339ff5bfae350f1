using FluentValidation;
using static InvoiceMvc.Web.Invoices.InvoiceFilterInput;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// Every rule of the explorer's filter, for the page (messages beside the fields), the stream, the
/// export and the API (400 problem details keyed by the same field names). Each message names the
/// field as the form labels it and says what would be accepted.
/// </summary>
public sealed class InvoiceFilterValidator : AbstractValidator<InvoiceFilterInput>
{
    public InvoiceFilterValidator()
    {
        RuleFor(x => x.Q).MaximumLength(MaxTextLength).OverridePropertyName("q")
            .WithMessage($"Search text can be at most {MaxTextLength} characters.");
        RuleFor(x => x.Seller).MaximumLength(MaxNameLength).OverridePropertyName("seller")
            .WithMessage($"A seller's name is at most {MaxNameLength} characters.");
        RuleFor(x => x.Buyer).MaximumLength(MaxNameLength).OverridePropertyName("buyer")
            .WithMessage($"A buyer's name is at most {MaxNameLength} characters.");

        DayRangeRules.Add(this, x => x.From, x => x.To);

        AmountRules(x => x.Min, "min", "Minimum total");
        AmountRules(x => x.Max, "max", "Maximum total");
        RuleFor(x => x.Max).Must((x, max) => ParseAmount(max) >= ParseAmount(x.Min))
            .When(x => ParseAmount(x.Min) >= 0 && ParseAmount(x.Max) >= 0).OverridePropertyName("max")
            .WithMessage("Maximum total must not be below the minimum total.");

        RuleFor(x => x.Run).Must(v => Blank(v) is null || ParseId(v) > 0).OverridePropertyName("run")
            .WithMessage("Run must be a run number: a whole number from 1 up.");
        RuleFor(x => x.Status).Must(v => Blank(v) is null || Statuses.ContainsKey(v!.Trim())).OverridePropertyName("status")
            .WithMessage($"Status must be one of {string.Join(", ", Statuses.Keys)}.");
        RuleFor(x => x.Sort).Must(v => Blank(v) is null || SortNames.Contains(v!)).OverridePropertyName("sort")
            .WithMessage($"Sort must be one of {string.Join(", ", SortNames)}.");
        RuleFor(x => x.Dir).Must(v => Blank(v) is null || v is "asc" or "desc").OverridePropertyName("dir")
            .WithMessage("Direction must be asc or desc.");
        RuleFor(x => x.Cursor).Must(v => Blank(v) is null || ParseId(v) > 0).OverridePropertyName("cursor")
            .WithMessage("cursor must be the id of an invoice: a whole number from 1 up.");
    }

    private void AmountRules(System.Linq.Expressions.Expression<Func<InvoiceFilterInput, string?>> field, string name, string label)
    {
        var value = field.Compile();
        RuleFor(field).Must(v => Blank(v) is null || ParseAmount(v) is not null).OverridePropertyName(name)
            .WithMessage($"{label} must be an amount like 1250.50 (digits and a decimal point).");
        RuleFor(field).Must(v => ParseAmount(v) >= 0).When(x => ParseAmount(value(x)) is not null).OverridePropertyName(name)
            .WithMessage($"{label} must not be negative.");
        RuleFor(field).Must(v => decimal.Round(ParseAmount(v)!.Value, 2) == ParseAmount(v)).When(x => ParseAmount(value(x)) is not null)
            .OverridePropertyName(name).WithMessage($"{label} has at most 2 decimals.");
    }
}
