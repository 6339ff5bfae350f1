using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>
/// The Lifecycle migration's rules hold whoever writes: entries balance, lines sum to the subtotal,
/// nothing overpays, a void is final and only of an unpaid invoice, and the triggers post every event
/// (issue, payment, void) so the running totals always equal the facts.
/// </summary>
public sealed class LedgerSchemaTests
{
    // One invoice (id 1, 100.00 + 15.00 VAT = 115.00, issued 2026-03-01, due 2026-03-31) with one line.
    private static readonly string OneInvoiceSql = $"""
        {Seed.PartiesSql("A", "B")}
        INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at) VALUES (1, 3, 1, 1, 1, now(), now());
        INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
        VALUES (1, 'INV-0000001', 1, 1, '2026-03-01T10:00:00Z', {Seed.SellerId("A")}, {Seed.BuyerId("B")}, 100.00, 0.15, 15.00, 115.00);
        {Seed.LinesSql}
        """;

    private static string PaymentSql(string amount, string paidOn = "2026-03-02") =>
        $"INSERT INTO payments (invoice_id, amount, method, paid_on, recorded_by, idempotency_key) VALUES (1, {amount}, 0, '{paidOn}', 'test', gen_random_uuid())";

    private const string VoidSql = "UPDATE invoices SET voided_at = now(), voided_by = 'admin', void_reason = 'Issued twice' WHERE id = 1";

    private static async Task<TestDatabase> OneInvoiceAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync(OneInvoiceSql);
        return db;
    }

    private static async Task<PostgresException> RefusedAsync(TestDatabase db, string sql) =>
        await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(sql));

    [Fact]
    public async Task Issuing_PostsDrReceivableCrSalesCrVat_AndOpensTheBalance()
    {
        await using var db = await OneInvoiceAsync();

        Assert.Equal("1100:115.00:0.00,2200:0.00:15.00,4000:0.00:100.00", await db.ScalarAsync<string>("""
            SELECT string_agg(account_code || ':' || debit || ':' || credit, ',' ORDER BY line_no)
              FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE e.invoice_id = 1 AND e.kind = 1
            """));
        Assert.Equal("2026-03-31|115.00|1", await db.ScalarAsync<string>("SELECT concat_ws('|', due_date, balance, invoices) FROM open_balances"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Fact]
    public async Task AnUnbalancedEntryWrittenByHand_IsRefusedAtCommit()
    {
        await using var db = await OneInvoiceAsync();

        var unbalanced = await RefusedAsync(db, """
            WITH e AS (INSERT INTO journal_entries (kind, invoice_id, memo) VALUES (3, 1, 'by hand') RETURNING id)
            INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit)
            SELECT id, n, code, d, c FROM e, (VALUES (1, '1000', 10.00, 0), (2, '4000', 0, 9.99)) v(n, code, d, c)
            """);
        Assert.Equal("journal_entry_balanced", unbalanced.ConstraintName);

        var oneLine = await RefusedAsync(db, """
            WITH e AS (INSERT INTO journal_entries (kind, invoice_id, memo) VALUES (3, 1, 'by hand') RETURNING id)
            INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit) SELECT id, 1, '1000', 10.00, 0 FROM e
            """);
        Assert.Equal("journal_entry_balanced", oneLine.ConstraintName);

        // A balanced entry's line changed later, alone: the entry no longer balances.
        var edited = await RefusedAsync(db, "UPDATE journal_lines SET debit = 116.00 WHERE account_code = '1100'");
        Assert.Equal("journal_entry_balanced", edited.ConstraintName);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM journal_entries"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Fact]
    public async Task LinesThatDoNotSumToTheSubtotal_AreRefusedAtCommit()
    {
        await using var db = await OneInvoiceAsync();
        const string Invoice2 = """
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            SELECT 2, 'INV-0000002', 1, 2, now(), seller_id, buyer_id, 10.00, 0.15, 1.50, 11.50 FROM invoices WHERE id = 1;
            """;

        var noLines = await RefusedAsync(db, Invoice2);
        Assert.Equal("invoice_lines_sum", noLines.ConstraintName);
        var short1 = await RefusedAsync(db, Invoice2 + """
            INSERT INTO invoice_lines VALUES (2, 1, 'Widget', 3, 3.33, 9.99);
            """);
        Assert.Equal("invoice_lines_sum", short1.ConstraintName);
        var removed = await RefusedAsync(db, "DELETE FROM invoice_lines WHERE invoice_id = 1");
        Assert.Equal("invoice_lines_sum", removed.ConstraintName);
        var inexact = await RefusedAsync(db, Invoice2 + "INSERT INTO invoice_lines VALUES (2, 1, 'Widget', 3, 3.33, 10.00);");
        Assert.Equal("ck_invoice_lines_amount", inexact.ConstraintName);

        // Two lines that do sum are accepted, and a split of a line that keeps the sum too.
        await db.ExecuteAsync(Invoice2 + "INSERT INTO invoice_lines VALUES (2, 1, 'Widget', 3, 3.00, 9.00), (2, 2, 'Gadget', 1, 1.00, 1.00);");
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE id = 2"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Fact]
    public async Task AnOverpayment_IsRefusedByTheDatabase_EvenWrittenByHand()
    {
        await using var db = await OneInvoiceAsync();
        await db.ExecuteAsync(PaymentSql("100.00"));

        var over = await RefusedAsync(db, PaymentSql("15.01"));
        Assert.Equal("ck_invoices_total_covers_paid", over.ConstraintName);
        var byHand = await RefusedAsync(db, "UPDATE invoices SET paid_amount = 115.00 WHERE id = 1");
        Assert.Equal("invoices_paid_by_payments", byHand.ConstraintName);

        await db.ExecuteAsync(PaymentSql("15.00"));
        Assert.Equal(115.00m, await db.ScalarAsync<decimal>("SELECT paid_amount FROM invoices WHERE id = 1"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM open_balances"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Fact]
    public async Task APaymentDatedBeforeTheIssueDate_IsRefused()
    {
        await using var db = await OneInvoiceAsync();
        var early = await RefusedAsync(db, PaymentSql("1.00", paidOn: "2026-02-28"));
        Assert.Equal("payments_paid_on_after_issue", early.ConstraintName);
        await db.ExecuteAsync(PaymentSql("1.00", paidOn: "2026-03-01"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Fact]
    public async Task AVoid_OfAnInvoiceWithPayments_IsRefused()
    {
        await using var db = await OneInvoiceAsync();
        await db.ExecuteAsync(PaymentSql("0.01"));

        var ex = await RefusedAsync(db, VoidSql);
        Assert.Equal("ck_invoices_void", ex.ConstraintName);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM journal_entries WHERE kind = 3"));
    }

    [Fact]
    public async Task AVoid_ReversesTheIssueEntry_ClosesTheBalance_AndIsFinal()
    {
        await using var db = await OneInvoiceAsync();
        var blank = await RefusedAsync(db, "UPDATE invoices SET voided_at = now(), voided_by = 'admin', void_reason = '  ' WHERE id = 1");
        Assert.Equal("ck_invoices_void", blank.ConstraintName);

        await db.ExecuteAsync(VoidSql);

        Assert.Equal("1100:0.00:115.00,2200:15.00:0.00,4000:100.00:0.00", await db.ScalarAsync<string>("""
            SELECT string_agg(account_code || ':' || debit || ':' || credit, ',' ORDER BY line_no)
              FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE e.kind = 3
            """));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM open_balances"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM ledger_balances WHERE debit_total <> credit_total"));
        Assert.Equal("invoices_void_final", (await RefusedAsync(db, "UPDATE invoices SET voided_at = NULL WHERE id = 1")).ConstraintName);
        Assert.Equal("payments_invoice_not_void", (await RefusedAsync(db, PaymentSql("1.00"))).ConstraintName);
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Theory]
    [InlineData("invoice_number = 'INV-0000009'")]
    [InlineData("subtotal = 200.00, vat_amount = 30.00, total_amount = 230.00")]
    [InlineData("due_date = due_date + 1")]
    [InlineData("sequence = 2")]
    public async Task AnIssuedInvoice_KeepsItsNumberAndAmounts(string change)
    {
        await using var db = await OneInvoiceAsync();
        var ex = await RefusedAsync(db, $"UPDATE invoices SET {change} WHERE id = 1");
        Assert.Contains(ex.ConstraintName, new[] { "invoices_immutable", "ck_invoices_number_matches_id" });
        Assert.Equal("INV-0000001|115.00", await db.ScalarAsync<string>("SELECT invoice_number || '|' || total_amount FROM invoices"));
    }

    [Fact]
    public async Task APaymentAndAVoid_NotifyTheInvoiceChangedChannel_OnCommit()
    {
        await using var db = await OneInvoiceAsync();
        await db.ExecuteAsync(OneInvoiceSql.Replace("VALUES (1, 'INV-0000001', 1, 1,", "VALUES (2, 'INV-0000002', 1, 2,", StringComparison.Ordinal)
            .Replace("INSERT INTO generation_runs", "-- ", StringComparison.Ordinal));
        await using var listener = await db.DataSource.OpenConnectionAsync();
        var heard = new List<string>();
        listener.Notification += (_, e) => heard.Add(e.Channel + ":" + e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {InvoiceChangedChannel.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        await db.ExecuteAsync(PaymentSql("5.00"));
        await db.ExecuteAsync(VoidSql.Replace("id = 1", "id = 2", StringComparison.Ordinal));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (heard.Count < 2)
        {
            await listener.WaitAsync(timeout.Token);
        }

        Assert.Equal(["invoice_changed:1", "invoice_changed:2"], heard);
        Assert.Equal(1L, InvoiceChangedChannel.Parse(heard[0].Split(':')[1]));
    }

    [Fact]
    public async Task TheMigration_BackfillsDueDatesLinesEntriesAndBalances_OfExistingInvoices()
    {
        await using var db = await TestDatabase.CreateAsync(upToMigration: "20261202080000_AnalyticsRollups");
        await db.ExecuteAsync($"""
            {Seed.PartiesSql("A", "B")}
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at) VALUES (1, 3, 1, 2, 2, now(), now());
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            VALUES (1, 'INV-0000001', 1, 1, '2026-03-01T23:30:00Z', {Seed.SellerId("A")}, {Seed.BuyerId("B")}, 100.00, 0.15, 15.00, 115.00),
                   (2, 'INV-0000002', 1, 2, '2026-03-02T00:30:00Z', {Seed.SellerId("A")}, {Seed.BuyerId("B")}, 10.00, 0.15, 1.50, 11.50);
            """);

        await db.MigrateAsync();

        Assert.Equal("2026-03-31,2026-04-01", await db.ScalarAsync<string>("SELECT string_agg(due_date::text, ',' ORDER BY id) FROM invoices"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM invoice_lines"));
        Assert.Equal(126.50m, await db.ScalarAsync<decimal>("SELECT debit_total FROM ledger_balances WHERE account_code = '1100'"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));

        // And the triggers exist from then on.
        await db.ExecuteAsync(PaymentSql("15.00"));
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }

    [Fact]
    public async Task AfterARealRun_PaymentsAndAVoid_EveryLedgerInvariantHolds()
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = GenerationSettings.Fast(rate: 100, seconds: 2);
        settings["Invoicing:PaymentTermsDays"] = "14";
        await using (var app = await AppFactory.CreateAsync(db, settings))
        {
            Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
            await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 3") == 1,
                TimeSpan.FromSeconds(60), "the run completes");
        }

        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE due_date <> (invoice_date AT TIME ZONE 'UTC')::date + 14"));
        // The faker's lines: 1-5 per invoice, quantities 1-20, and more than one shape across 200 invoices.
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM (SELECT invoice_id FROM invoice_lines GROUP BY 1 HAVING count(*) > 5) x"));
        Assert.True(await db.ScalarAsync<long>("SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM invoice_lines GROUP BY invoice_id) x") > 1);
        Assert.True(await db.ScalarAsync<long>("SELECT count(DISTINCT quantity) FROM invoice_lines") > 1);
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));

        // Pay some in part, some in full, void one unpaid: still every invariant.
        await db.ExecuteAsync("""
            INSERT INTO payments (invoice_id, amount, method, paid_on, recorded_by, idempotency_key)
            SELECT id, CASE WHEN id % 2 = 0 THEN total_amount ELSE round(total_amount / 3, 2) END, id % 4,
                   (invoice_date AT TIME ZONE 'UTC')::date, 'test', gen_random_uuid()
              FROM invoices WHERE id % 3 = 0;
            UPDATE invoices SET voided_at = now(), voided_by = 'admin', void_reason = 'test' WHERE id = 1;
            """);
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
    }
}
