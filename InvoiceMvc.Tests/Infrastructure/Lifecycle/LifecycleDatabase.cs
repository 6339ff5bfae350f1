using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Audit;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

/// <summary>
/// A migrated database with three invoices, and the lifecycle services built on it as the app's DI
/// builds them (one DbContext per service, as one per request), on a fake clock at 2026-03-10 12:00 UTC.
/// INV-0000001: 100.00 + 15.00 = 115.00 to buyer B, issued 2026-03-01, due 2026-03-31, lines 60.00 + 40.00.
/// INV-0000002: 10.00 + 1.50 = 11.50 to buyer B, issued 2026-01-01, due 2026-01-31 (38 days past due on the 10th).
/// INV-0000003: 20.00 + 3.00 = 23.00 to buyer C, issued 2026-03-02, due 2026-04-01.
/// </summary>
public sealed class LifecycleDatabase : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private LifecycleDatabase(TestDatabase db) => Db = db;

    public TestDatabase Db { get; }

    public FakeTimeProvider Clock { get; } = new(Now);

    /// <summary>"Today" on <see cref="Clock"/>, unshifted.</summary>
    public LifecycleClock Calendar => new(Clock, Options.Create(new ClockOptions()));

    /// <summary>The three invoices (and their parties, run and lines) of the class summary, as SQL.</summary>
    private static readonly string SeedSql = $"""
        {Seed.PartiesSql("A", "B")}
        {Seed.PartiesSql("A", "C")}
        INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at) VALUES (1, 3, 1, 3, 3, now(), now());
        INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
        VALUES (1, 'INV-0000001', 1, 1, '2026-03-01T10:00:00Z', {Seed.SellerId("A")}, {Seed.BuyerId("B")}, 100.00, 0.15, 15.00, 115.00),
               (2, 'INV-0000002', 1, 2, '2026-01-01T10:00:00Z', {Seed.SellerId("A")}, {Seed.BuyerId("B")}, 10.00, 0.15, 1.50, 11.50),
               (3, 'INV-0000003', 1, 3, '2026-03-02T10:00:00Z', {Seed.SellerId("A")}, {Seed.BuyerId("C")}, 20.00, 0.15, 3.00, 23.00);
        INSERT INTO invoice_lines VALUES (1, 1, 'Widget', 3, 20.00, 60.00), (1, 2, 'Gadget', 8, 5.00, 40.00);
        {Seed.LinesSql}
        """;


    public static async Task<LifecycleDatabase> CreateAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync(SeedSql);
        return new LifecycleDatabase(db);
    }

    /// <summary>
    /// Back to the state <see cref="CreateAsync"/> left, without a new database: the tables emptied as
    /// the migrations left them (<see cref="TestDatabase.EmptyAsync"/>), then the seed again.
    /// For tests that run many cases against one database (a property test).
    /// </summary>
    public async Task ResetAsync()
    {
        await Db.EmptyAsync();
        await Db.ExecuteAsync(SeedSql);
    }

    public InvoiceDbContext NewContext() =>
        new(new DbContextOptionsBuilder<InvoiceDbContext>().UseNpgsql(Db.DataSource).Options);

    /// <summary>A PaymentService on its own DbContext (dispose the context with <paramref name="context"/>).</summary>
    public PaymentService Payments(out InvoiceDbContext context)
    {
        context = NewContext();
        return Payments(context);
    }

    /// <summary>A PaymentService on <paramref name="context"/>, as the app's DI builds it for a request.</summary>
    public PaymentService Payments(InvoiceDbContext context) =>
        new(context, new AuditTrail(context, Clock), new PaymentRequestValidator(Calendar), Db.DataSource, Clock, Calendar);

    public VoidService Voids(out InvoiceDbContext context)
    {
        context = NewContext();
        return new VoidService(context, new AuditTrail(context, Clock), Clock);
    }

    public async Task<PaymentResult> PayAsync(PaymentRequest request, string actor = "operator")
    {
        var service = Payments(out var context);
        await using (context)
        {
            return await service.RecordAsync(request, actor, CancellationToken.None);
        }
    }

    public async Task<VoidResult> VoidAsync(string number, string reason, string actor = "admin")
    {
        var service = Voids(out var context);
        await using (context)
        {
            return await service.VoidAsync(number, reason, actor, CancellationToken.None);
        }
    }

    public static PaymentRequest Request(string number = "INV-0000001", decimal amount = 10.00m, DateOnly? paidOn = null, Guid? key = null, string? reference = "REF-1") =>
        new(number, amount, PaymentMethod.BankTransfer, reference, paidOn ?? new DateOnly(2026, 3, 9), key ?? Guid.NewGuid());

    public ValueTask DisposeAsync() => Db.DisposeAsync();
}
