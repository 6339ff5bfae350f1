using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using InvoiceMvc.Domain.Lifecycle;

namespace InvoiceMvc.Tests.Domain.Lifecycle;

public sealed class InvoiceStandingTests
{
    private static readonly DateOnly Due = new(2026, 12, 31);

    [Fact]
    public void Of_IsOpen_WhenNothingPaidAndNotPastDue()
    {
        Assert.Equal(new InvoiceStanding(115m, 0m, 115m, InvoiceStatus.Open), InvoiceStanding.Of(115m, 0m, Due, false, Due.AddDays(-3)));
    }

    [Fact]
    public void Of_IsPartiallyPaid_WhenSomethingPaidAndNotPastDue()
    {
        Assert.Equal(new InvoiceStanding(115m, 0.01m, 114.99m, InvoiceStatus.PartiallyPaid), InvoiceStanding.Of(115m, 0.01m, Due, false, Due));
    }

    [Fact]
    public void Of_IsPaid_WhenPaidInFull_EvenPastDue()
    {
        Assert.Equal(new InvoiceStanding(115m, 115m, 0m, InvoiceStatus.Paid), InvoiceStanding.Of(115m, 115m, Due, false, Due.AddDays(400)));
    }

    [Fact]
    public void Of_IsNotOverdue_OnTheDueDayItself_ButIsTheDayAfter()
    {
        Assert.Equal(InvoiceStatus.Open, InvoiceStanding.Of(115m, 0m, Due, false, Due).Status);
        Assert.Equal(InvoiceStatus.Overdue, InvoiceStanding.Of(115m, 0m, Due, false, Due.AddDays(1)).Status);
        Assert.Equal(InvoiceStatus.PartiallyPaid, InvoiceStanding.Of(115m, 15m, Due, false, Due).Status);
        Assert.Equal(new InvoiceStanding(115m, 15m, 100m, InvoiceStatus.Overdue), InvoiceStanding.Of(115m, 15m, Due, false, Due.AddDays(1)));
    }

    [Fact]
    public void Of_IsVoidWithNoBalance_WhenVoided_WhateverTheDate()
    {
        Assert.Equal(new InvoiceStanding(115m, 0m, 0m, InvoiceStatus.Void), InvoiceStanding.Of(115m, 0m, Due, true, Due.AddDays(90)));
        Assert.Equal(InvoiceStatus.Void, InvoiceStanding.Of(115m, 0m, Due, true, Due.AddDays(-1)).Status);
    }

    [Fact]
    public void Of_Throws_WhenPaidIsNegativeOrAboveTheTotal()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InvoiceStanding.Of(115m, -0.01m, Due, false, Due));
        Assert.Throws<ArgumentOutOfRangeException>(() => InvoiceStanding.Of(115m, 115.01m, Due, false, Due));
    }

    [Property(MaxTest = 2000)]
    public Property Of_FollowsTheRules_ForAnyPaidAmountAndDay()
    {
        var input = from totalCents in Gen.Choose(1, 1_000_000)
                    from paidCents in Gen.Choose(0, totalCents)
                    from offset in Gen.Choose(-100, 100)
                    from voided in Gen.Elements(false, false, false, true)
                    select (Total: totalCents / 100m, Paid: paidCents / 100m, Today: Due.AddDays(offset), Voided: voided);
        return Prop.ForAll(Arb.From(input), x =>
        {
            var s = InvoiceStanding.Of(x.Total, x.Paid, Due, x.Voided, x.Today);
            var expected = x.Voided ? InvoiceStatus.Void
                : x.Paid == x.Total ? InvoiceStatus.Paid
                : x.Today > Due ? InvoiceStatus.Overdue
                : x.Paid > 0 ? InvoiceStatus.PartiallyPaid
                : InvoiceStatus.Open;
            return s.Status == expected
                && s.Total == x.Total && s.Paid == x.Paid
                && s.Balance == (x.Voided ? 0m : x.Total - x.Paid)
                && s.Balance >= 0;
        });
    }
}
