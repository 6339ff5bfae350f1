using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// Analytics rollups (decision 016): invoice_buckets (per UTC minute, hour and day) and party_days (per
    /// party and UTC day), backfilled from the invoices already there, then kept by the invoices trigger.
    /// </summary>
    public partial class AnalyticsRollups : Migration
    {
        // The function as the Parties migration made it, up to its RETURN: Down puts exactly this back.
        private const string PartyAndRunRollups = """
            CREATE OR REPLACE FUNCTION invoices_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO party_totals AS t (party_id, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
                VALUES (NEW.seller_id, 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount, NEW.id),
                       (NEW.buyer_id, 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount, NEW.id)
                ON CONFLICT (party_id) DO UPDATE
                   SET invoice_count = t.invoice_count + 1,
                       subtotal = t.subtotal + EXCLUDED.subtotal,
                       vat_amount = t.vat_amount + EXCLUDED.vat_amount,
                       total_amount = t.total_amount + EXCLUDED.total_amount,
                       last_invoice_id = greatest(t.last_invoice_id, EXCLUDED.last_invoice_id);
                UPDATE generation_runs
                   SET subtotal = subtotal + NEW.subtotal, vat_amount = vat_amount + NEW.vat_amount, total_amount = total_amount + NEW.total_amount
                 WHERE id = NEW.run_id;

            """;

        private const string AnalyticsRollupsSql = """
                INSERT INTO invoice_buckets AS b (grain, bucket_start, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
                VALUES (1, date_trunc('minute', NEW.invoice_date, 'UTC'), 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount, NEW.id),
                       (2, date_trunc('hour', NEW.invoice_date, 'UTC'), 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount, NEW.id),
                       (3, date_trunc('day', NEW.invoice_date, 'UTC'), 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount, NEW.id)
                ON CONFLICT (grain, bucket_start) DO UPDATE
                   SET invoice_count = b.invoice_count + 1,
                       subtotal = b.subtotal + EXCLUDED.subtotal,
                       vat_amount = b.vat_amount + EXCLUDED.vat_amount,
                       total_amount = b.total_amount + EXCLUDED.total_amount,
                       last_invoice_id = greatest(b.last_invoice_id, EXCLUDED.last_invoice_id);
                INSERT INTO party_days AS d (kind, day, party_id, invoice_count, subtotal, vat_amount, total_amount)
                VALUES (1, (NEW.invoice_date AT TIME ZONE 'UTC')::date, NEW.seller_id, 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount),
                       (2, (NEW.invoice_date AT TIME ZONE 'UTC')::date, NEW.buyer_id, 1, NEW.subtotal, NEW.vat_amount, NEW.total_amount)
                ON CONFLICT (kind, day, party_id) DO UPDATE
                   SET invoice_count = d.invoice_count + 1,
                       subtotal = d.subtotal + EXCLUDED.subtotal,
                       vat_amount = d.vat_amount + EXCLUDED.vat_amount,
                       total_amount = d.total_amount + EXCLUDED.total_amount;

            """;

        private const string FunctionEnd = """
                RETURN NULL;
            END $$;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "invoice_buckets",
                columns: table => new
                {
                    grain = table.Column<short>(type: "smallint", nullable: false),
                    bucket_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    invoice_count = table.Column<long>(type: "bigint", nullable: false),
                    subtotal = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    vat_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    total_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    last_invoice_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invoice_buckets", x => new { x.grain, x.bucket_start });
                    table.CheckConstraint("ck_invoice_buckets_aligned", "bucket_start = date_trunc((ARRAY['minute', 'hour', 'day'])[grain], bucket_start, 'UTC')");
                    table.CheckConstraint("ck_invoice_buckets_grain", "grain IN (1, 2, 3)");
                    table.CheckConstraint("ck_invoice_buckets_non_negative", "invoice_count >= 0 AND subtotal >= 0 AND vat_amount >= 0");
                    table.CheckConstraint("ck_invoice_buckets_total", "total_amount = subtotal + vat_amount");
                });

            migrationBuilder.CreateTable(
                name: "party_days",
                columns: table => new
                {
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    party_id = table.Column<long>(type: "bigint", nullable: false),
                    invoice_count = table.Column<long>(type: "bigint", nullable: false),
                    subtotal = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    vat_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    total_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_party_days", x => new { x.kind, x.day, x.party_id });
                    table.CheckConstraint("ck_party_days_kind", "kind IN (1, 2)");
                    table.CheckConstraint("ck_party_days_non_negative", "invoice_count >= 0 AND subtotal >= 0 AND vat_amount >= 0");
                    table.CheckConstraint("ck_party_days_total", "total_amount = subtotal + vat_amount");
                    table.ForeignKey(
                        name: "FK_party_days_parties_party_id",
                        column: x => x.party_id,
                        principalTable: "parties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_party_days_party_id",
                table: "party_days",
                column: "party_id");

            // Invoices made before the rollups existed: every grain's buckets and every party's days from what is there.
            migrationBuilder.Sql("""
                INSERT INTO invoice_buckets (grain, bucket_start, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
                SELECT g.grain, date_trunc(g.unit, i.invoice_date, 'UTC'), count(*), sum(i.subtotal), sum(i.vat_amount), sum(i.total_amount), max(i.id)
                  FROM invoices i CROSS JOIN (VALUES (1::smallint, 'minute'), (2::smallint, 'hour'), (3::smallint, 'day')) g(grain, unit)
                 GROUP BY 1, 2;
                INSERT INTO party_days (kind, day, party_id, invoice_count, subtotal, vat_amount, total_amount)
                SELECT kind, (invoice_date AT TIME ZONE 'UTC')::date, party_id, count(*), sum(subtotal), sum(vat_amount), sum(total_amount)
                  FROM (SELECT 1::smallint AS kind, seller_id AS party_id, invoice_date, subtotal, vat_amount, total_amount FROM invoices
                        UNION ALL SELECT 2::smallint, buyer_id, invoice_date, subtotal, vat_amount, total_amount FROM invoices) x
                 GROUP BY 1, 2, 3;
                """);

            // The same AFTER INSERT trigger keeps them from now on: a few upserts in the inserting (the tick's)
            // transaction, so a crash loses an invoice and its rollups together or neither.
            migrationBuilder.Sql(PartyAndRunRollups + AnalyticsRollupsSql + FunctionEnd);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(PartyAndRunRollups + FunctionEnd);

            migrationBuilder.DropTable(
                name: "invoice_buckets");

            migrationBuilder.DropTable(
                name: "party_days");
        }
    }
}
