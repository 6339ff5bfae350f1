using Microsoft.Playwright;

namespace InvoiceMvc.E2E.Pages;

/// <summary>
/// The invoice detail page at /invoices/INV-...: its heading, its labelled fields and its links; its
/// standing (status, paid, amount due) and activity, which its stream replaces when they change; and
/// the payment form (Operators and Admins, while there is a balance), every field by its label.
/// </summary>
public sealed class InvoiceDetailPage(IPage page)
{
    public IPage Page { get; } = page;
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });
    public ILocator PdfLink => Page.GetByRole(AriaRole.Link, new() { Name = "Open the PDF" });
    public ILocator BackLink => Page.GetByRole(AriaRole.Link, new() { Name = "Back to the explorer" });
    public ILocator PreviousLink => Page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^← Previous") });
    public ILocator NextLink => Page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Next: ") });

    /// <summary>The message of the last success ("Payment of $1.50 recorded. ..."), shown after the redirect.</summary>
    public ILocator Flash => Page.GetByRole(AriaRole.Status);

    public ILocator Status => Field("Status");
    public ILocator Paid => Field("Paid");
    public ILocator AmountDue => Field("Amount due");

    /// <summary>The activity log's entries, oldest first: when, who, what.</summary>
    public ILocator ActivityEntries => Page.GetByRole(AriaRole.List, new() { Name = "Activity", Exact = true }).GetByRole(AriaRole.Listitem);

    public ILocator PaymentForm => Page.GetByRole(AriaRole.Region, new() { Name = "Record a payment", Exact = true });
    public ILocator PaymentAmount => PaymentForm.GetByLabel("Amount", new() { Exact = true });
    public ILocator PaymentMethod => PaymentForm.GetByLabel("Method", new() { Exact = true });
    public ILocator PaymentReference => PaymentForm.GetByLabel("Reference");
    public ILocator PaymentPaidOn => PaymentForm.GetByLabel("Paid on", new() { Exact = true });
    public ILocator RecordPaymentButton => PaymentForm.GetByRole(AriaRole.Button, new() { Name = "Record payment", Exact = true });

    /// <summary>The message beside the Amount field: in the same field block as the input (Has is queried inside each block).</summary>
    public ILocator PaymentAmountError =>
        PaymentForm.Locator(".field").Filter(new() { Has = Page.GetByLabel("Amount", new() { Exact = true }) }).Locator(".field-error");

    /// <summary>The value (definition) of the field whose term is <paramref name="term"/>.</summary>
    public ILocator Field(string term) => Page.Locator($"[data-field='{term}'] dd");

    public async Task GotoAsync(string number)
    {
        await Page.GotoAsync($"/invoices/{number}", new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(Heading).ToHaveTextAsync($"Invoice {number}");
    }

    /// <summary>
    /// Fills the payment form as a user does (amount; method by its label and reference when given, else
    /// as the form offers them) and submits it. Returns at the click: the caller waits for what follows,
    /// the flash after the redirect or the message beside a refused field.
    /// </summary>
    public async Task SubmitPaymentAsync(string amount, string? method = null, string? reference = null)
    {
        await PaymentAmount.FillAsync(amount);
        if (method is not null)
        {
            await PaymentMethod.SelectOptionAsync(new SelectOptionValue { Label = method });
        }

        if (reference is not null)
        {
            await PaymentReference.FillAsync(reference);
        }

        await RecordPaymentButton.ClickAsync();
    }
}
