namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// The lifecycle's invariants as one query over the whole database: the names of those that do not
/// hold (empty = all hold). Each recomputes from the facts (invoices, lines, payments, journal) what the
/// running totals claim, so a trigger that forgets, double-counts or misposts shows up here.
/// </summary>
public static class LedgerInvariants
{
    private const string Sql = """
        WITH bal AS (SELECT account_code, debit_total - credit_total AS net FROM ledger_balances),
        open_inv AS (SELECT buyer_id, due_date, total_amount - paid_amount AS balance FROM invoices
                      WHERE voided_at IS NULL AND total_amount > paid_amount),
        checks(name, ok) AS (VALUES
            ('trial balance is zero', (SELECT sum(debit_total) = sum(credit_total) FROM ledger_balances)),
            ('ledger_balances = journal', NOT EXISTS (
                SELECT 1 FROM ledger_balances b FULL JOIN (SELECT account_code, sum(debit) AS d, sum(credit) AS c FROM journal_lines GROUP BY 1) j
                    USING (account_code)
                 WHERE (coalesce(b.debit_total, 0), coalesce(b.credit_total, 0)) IS DISTINCT FROM (coalesce(j.d, 0), coalesce(j.c, 0)))),
            ('every entry balances', NOT EXISTS (
                SELECT 1 FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
                 GROUP BY e.id HAVING count(l.*) < 2 OR coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0))),
            ('receivable = open balances', (SELECT net FROM bal WHERE account_code = '1100') = (SELECT coalesce(sum(balance), 0) FROM open_balances)),
            ('receivable = unpaid of non-void', (SELECT net FROM bal WHERE account_code = '1100') = (SELECT coalesce(sum(balance), 0) FROM open_inv)),
            ('VAT payable = VAT of non-void', -(SELECT net FROM bal WHERE account_code = '2200') = (SELECT coalesce(sum(vat_amount), 0) FROM invoices WHERE voided_at IS NULL)),
            ('sales = subtotals of non-void', -(SELECT net FROM bal WHERE account_code = '4000') = (SELECT coalesce(sum(subtotal), 0) FROM invoices WHERE voided_at IS NULL)),
            ('cash = payments', (SELECT net FROM bal WHERE account_code = '1000') = (SELECT coalesce(sum(amount), 0) FROM payments)),
            ('paid_amount = payments', NOT EXISTS (
                SELECT 1 FROM invoices i LEFT JOIN (SELECT invoice_id, sum(amount) AS s FROM payments GROUP BY 1) p ON p.invoice_id = i.id
                 WHERE i.paid_amount <> coalesce(p.s, 0))),
            ('one issue entry per invoice', NOT EXISTS (
                SELECT 1 FROM invoices i WHERE (SELECT count(*) FROM journal_entries e WHERE e.invoice_id = i.id AND e.kind = 1) <> 1)),
            ('one void entry per void invoice', NOT EXISTS (
                SELECT 1 FROM invoices i WHERE (SELECT count(*) FROM journal_entries e WHERE e.invoice_id = i.id AND e.kind = 3) <> (i.voided_at IS NOT NULL)::int)),
            ('one entry per payment', NOT EXISTS (
                SELECT 1 FROM payments p WHERE (SELECT count(*) FROM journal_entries e WHERE e.payment_id = p.id) <> 1)),
            ('lines sum to the subtotal', NOT EXISTS (
                SELECT 1 FROM invoices i LEFT JOIN invoice_lines l ON l.invoice_id = i.id
                 GROUP BY i.id, i.subtotal HAVING count(l.*) = 0 OR sum(l.amount) <> i.subtotal)),
            ('open_balances = GROUP BY', NOT EXISTS (
                SELECT 1 FROM open_balances o FULL JOIN (SELECT buyer_id, due_date, sum(balance) AS b, count(*) AS n FROM open_inv GROUP BY 1, 2) x
                    USING (buyer_id, due_date)
                 WHERE (o.balance, o.invoices) IS DISTINCT FROM (x.b, x.n::int))),
            ('open_balance_days = GROUP BY', NOT EXISTS (
                SELECT 1 FROM open_balance_days d FULL JOIN (SELECT due_date, sum(balance) AS b, count(*) AS n FROM open_inv GROUP BY 1) x
                    USING (due_date)
                 WHERE (d.balance, d.invoices) IS DISTINCT FROM (x.b, x.n::int))))
        SELECT coalesce(string_agg(name, ', '), '') FROM checks WHERE ok IS DISTINCT FROM true
        """;

    /// <summary>The invariants that do not hold; empty when all do.</summary>
    public static async Task<string> BrokenAsync(TestDatabase db) => await db.ScalarAsync<string>(Sql);
}
