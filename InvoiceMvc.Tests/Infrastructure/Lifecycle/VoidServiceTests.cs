using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

public sealed class VoidServiceTests
{
    [Fact]
    public async Task Void_VoidsAnUnpaidInvoice_KeepingItsNumber_WithItsAuditEntry()
    {
        await using var l = await LifecycleDatabase.CreateAsync();

        var result = await l.VoidAsync("INV-0000003", "  Issued twice  ");

        Assert.Equal(new VoidResult.Voided(3, LifecycleDatabase.Now), result);
        var lifecycle = await new InvoiceLifecycleQueries(l.Db.DataSource).LoadAsync("INV-0000003");
        Assert.NotNull(lifecycle);
        Assert.Equal(("admin", "Issued twice"), (lifecycle.VoidedBy, lifecycle.VoidReason));
        Assert.Equal(new InvoiceStanding(23.00m, 0m, 0m, InvoiceStatus.Void), lifecycle.StandingOn(new DateOnly(2026, 3, 10)));
        Assert.Equal("admin|Void|Voided|3", await l.Db.ScalarAsync<string>("SELECT concat_ws('|', user_name, action, outcome, invoice_id) FROM audit_log"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(l.Db));
    }

    [Fact]
    public async Task Void_IsRejected_WhenAlreadyVoid_WhenPaidInPart_OrWithoutAReason()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        Assert.IsType<VoidResult.Voided>(await l.VoidAsync("INV-0000003", "Issued twice"));
        Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request(amount: 0.01m)));

        var again = Assert.IsType<VoidResult.Rejected>(await l.VoidAsync("INV-0000003", "Again"));
        var paid = Assert.IsType<VoidResult.Rejected>(await l.VoidAsync("INV-0000001", "Wrong buyer"));
        var blank = Assert.IsType<VoidResult.Rejected>(await l.VoidAsync("INV-0000002", "   "));

        Assert.Equal(("InvoiceNumber", "Invoice INV-0000003 is already void."), (again.Field, again.Message));
        Assert.Equal("InvoiceNumber", paid.Field);
        Assert.Contains("has payments", paid.Message, StringComparison.Ordinal);
        Assert.Equal("Reason", blank.Field);
        Assert.Equal(new VoidResult.NotFound("INV-0000099"), await l.VoidAsync("INV-0000099", "Gone"));
        Assert.Equal(1L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE voided_at IS NOT NULL"));
        Assert.Equal(1L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'Void'"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(l.Db));
    }
}
