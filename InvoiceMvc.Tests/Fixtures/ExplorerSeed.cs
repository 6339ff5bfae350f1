namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// Invoices made for the explorer's tests: few sellers and buyers (so a party has many invoices), few
/// distinct subtotals (equal totals), four days with invoices at midnight, noon and the last second
/// (equal dates, day edges), two runs, and names with LIKE's special characters. Consistent with the
/// stats row and the rollups, like a real run leaves them.
/// </summary>
public static class ExplorerSeed
{
    public const int Count = 90;
    public static readonly string[] Sellers = ["Alpha Trading", "Beta Goods", "Gamma & Co"];
    public static readonly string[] Buyers = ["Acme Corp", "Bolt Ltd", "Cobalt Inc", "Delta_50% LLC"];

    public static async Task InvoicesAsync(TestDatabase db)
    {
        var parties = string.Join(", ", Sellers.Select(s => $"('{s}', 1)").Concat(Buyers.Select(b => $"('{b}', 2)")));
        await db.ExecuteAsync($"""
            INSERT INTO parties (name, kind) VALUES {parties} ON CONFLICT DO NOTHING;
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at)
            VALUES (1, 3, 1, 50, 50, now(), now()), (2, 3, 1, {Count - 50}, {Count - 50}, now(), now());
            WITH g AS (
                SELECT g,
                       (ARRAY[10.00, 25.50, 99.99, 10.00, 250.00])[1 + g % 5]::numeric(12,2) AS subtotal,
                       (ARRAY['{string.Join("','", Sellers)}'])[1 + g % 3] AS seller,
                       (ARRAY['{string.Join("','", Buyers)}'])[1 + g % 4] AS buyer,
                       timestamptz '2026-03-01 00:00:00+00' + make_interval(days => g % 4)
                         + (ARRAY[interval '0', interval '12 hours', interval '23:59:59'])[1 + (g / 4) % 3] AS at
                  FROM generate_series(1, {Count}) g)
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id,
                                  subtotal, vat_rate, vat_amount, total_amount)
            SELECT g, 'INV-' || lpad(g::text, 7, '0'), CASE WHEN g <= 50 THEN 1 ELSE 2 END, CASE WHEN g <= 50 THEN g ELSE g - 50 END, at,
                   s.id, b.id, subtotal, 0.15, round(subtotal * 0.15, 2), subtotal + round(subtotal * 0.15, 2)
              FROM g JOIN parties s ON s.kind = 1 AND s.name = g.seller JOIN parties b ON b.kind = 2 AND b.name = g.buyer
             ORDER BY g;
            {Seed.LinesSql}
            SELECT setval(pg_get_serial_sequence('generation_runs', 'id'), 2);
            UPDATE invoice_stats SET invoice_count = {Count},
                   total_amount = (SELECT sum(total_amount) FROM invoices),
                   vat_amount = (SELECT sum(vat_amount) FROM invoices),
                   last_invoice_id = {Count};
            """);
    }
}
