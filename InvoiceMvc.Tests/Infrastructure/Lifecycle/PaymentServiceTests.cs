using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

public sealed class PaymentServiceTests
{
    [Fact]
    public async Task Record_RecordsAPartialPayment_WithItsAuditEntry_AndReturnsTheStanding()
    {
        await using var l = await LifecycleDatabase.CreateAsync();

        var result = await l.PayAsync(LifecycleDatabase.Request(amount: 15.00m));

        var recorded = Assert.IsType<PaymentResult.Recorded>(result);
        Assert.Equal(new InvoiceStanding(115.00m, 15.00m, 100.00m, InvoiceStatus.PartiallyPaid), recorded.Standing);
        Assert.Equal(1L, recorded.InvoiceId);
        Assert.Equal("15.00|0|REF-1|2026-03-09|operator", await l.Db.ScalarAsync<string>(
            $"SELECT concat_ws('|', amount, method, reference, paid_on, recorded_by) FROM payments WHERE id = {recorded.PaymentId}"));
        Assert.Equal("operator|Payment|Recorded 15.00|1", await l.Db.ScalarAsync<string>(
            "SELECT concat_ws('|', user_name, action, outcome, invoice_id) FROM audit_log"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(l.Db));
    }

    [Fact]
    public async Task Record_PayingTheRest_MakesItPaid()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request(amount: 100.00m)));

        var result = Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request(amount: 15.00m)));

        Assert.Equal(new InvoiceStanding(115.00m, 115.00m, 0m, InvoiceStatus.Paid), result.Standing);
        var paid = Assert.IsType<PaymentResult.Rejected>(await l.PayAsync(LifecycleDatabase.Request(amount: 0.01m)));
        Assert.Equal(nameof(PaymentRequest.InvoiceNumber), paid.Field);
        Assert.Contains("already paid", paid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwentyConcurrentPayments_OfTen_AgainstA115Invoice_RecordExactlyEleven()
    {
        await using var l = await LifecycleDatabase.CreateAsync();

        // Each on its own DbContext and connection, released together.
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var payments = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await l.PayAsync(LifecycleDatabase.Request(amount: 10.00m));
        })).ToList();
        go.SetResult();
        var results = await Task.WhenAll(payments);

        Assert.Equal(11, results.Count(r => r is PaymentResult.Recorded));
        Assert.All(results.OfType<PaymentResult.Rejected>(), r => Assert.Equal(nameof(PaymentRequest.Amount), r.Field));
        Assert.Equal(9, results.Count(r => r is PaymentResult.Rejected));
        Assert.Equal(110.00m, await l.Db.ScalarAsync<decimal>("SELECT paid_amount FROM invoices WHERE id = 1"));
        Assert.Equal(11L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments"));
        Assert.Equal(11L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'Payment'"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(l.Db));
    }

    [Fact]
    public async Task TheSameIdempotencyKeyTwice_RecordsOnce_AndReturnsTheFirstPayment()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        var key = Guid.NewGuid();

        var first = Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request(amount: 10.00m, key: key)));
        var again = await l.PayAsync(LifecycleDatabase.Request(amount: 10.00m, key: key));
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => l.PayAsync(LifecycleDatabase.Request("INV-0000003", 1.00m, key: key))));

        Assert.Equal(new PaymentResult.Duplicate(first.PaymentId), again);
        Assert.All(concurrent, r => Assert.Equal(new PaymentResult.Duplicate(first.PaymentId), r));
        Assert.Equal(1L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments"));
        Assert.Equal(10.00m, await l.Db.ScalarAsync<decimal>("SELECT sum(paid_amount) FROM invoices"));
    }

    [Fact]
    public async Task AnUnknownInvoice_IsNotFound()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        Assert.Equal(new PaymentResult.NotFound("INV-0000099"), await l.PayAsync(LifecycleDatabase.Request("INV-0000099")));
        Assert.Equal(0L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments"));
    }

    public static TheoryData<string, decimal, string, string, string> Rejections => new()
    {
        // number, amount, paid on, field, a piece of the message
        { "INV-0000001", 115.01m, "2026-03-09", nameof(PaymentRequest.Amount), "more than the balance of 115.00" },
        { "INV-0000001", 10.00m, "2026-02-28", nameof(PaymentRequest.PaidOn), "before the issue date (2026-03-01)" },
        { "INV-0000001", 10.00m, "2026-03-11", nameof(PaymentRequest.PaidOn), "in the future" },
        { "INV-0000001", 10.001m, "2026-03-09", nameof(PaymentRequest.Amount), "at most 2 decimals" },
        { "INV-0000001", 0m, "2026-03-09", nameof(PaymentRequest.Amount), "more than 0" },
        { "INV-0000001", -5m, "2026-03-09", nameof(PaymentRequest.Amount), "more than 0" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task ABadPayment_IsRejected_NamingTheField_AndRecordsNothing(string number, decimal amount, string paidOn, string field, string message)
    {
        await using var l = await LifecycleDatabase.CreateAsync();

        var result = Assert.IsType<PaymentResult.Rejected>(await l.PayAsync(LifecycleDatabase.Request(number, amount, DateOnly.Parse(paidOn, System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(field, result.Field);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments"));
        Assert.Equal(0L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task AReferenceOverAHundredCharacters_IsRejected()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        var result = Assert.IsType<PaymentResult.Rejected>(await l.PayAsync(LifecycleDatabase.Request(reference: new string('r', 101))));
        Assert.Equal(nameof(PaymentRequest.Reference), result.Field);
        Assert.IsType<PaymentResult.Recorded>(await l.PayAsync(LifecycleDatabase.Request(reference: new string('r', 100))));
    }

    [Fact]
    public async Task APaymentOfAVoidInvoice_IsRejected()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        Assert.IsType<VoidResult.Voided>(await l.VoidAsync("INV-0000001", "Issued twice"));

        var result = Assert.IsType<PaymentResult.Rejected>(await l.PayAsync(LifecycleDatabase.Request()));

        Assert.Equal(nameof(PaymentRequest.InvoiceNumber), result.Field);
        Assert.Contains("is void", result.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await l.Db.ScalarAsync<long>("SELECT count(*) FROM payments"));
    }
}
