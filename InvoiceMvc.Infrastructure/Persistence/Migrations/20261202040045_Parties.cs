using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Parties : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<long>(
                name: "buyer_id",
                table: "invoices",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "seller_id",
                table: "invoices",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<decimal>(
                name: "subtotal",
                table: "generation_runs",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "total_amount",
                table: "generation_runs",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<decimal>(
                name: "vat_amount",
                table: "generation_runs",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "parties",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_parties", x => x.id);
                    table.CheckConstraint("ck_parties_kind", "kind IN (1, 2)");
                });

            migrationBuilder.CreateTable(
                name: "party_totals",
                columns: table => new
                {
                    party_id = table.Column<long>(type: "bigint", nullable: false),
                    invoice_count = table.Column<long>(type: "bigint", nullable: false),
                    subtotal = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    vat_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    total_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    last_invoice_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_party_totals", x => x.party_id);
                    table.CheckConstraint("ck_party_totals_non_negative", "invoice_count >= 0 AND subtotal >= 0 AND vat_amount >= 0");
                    table.CheckConstraint("ck_party_totals_total", "total_amount = subtotal + vat_amount");
                    table.ForeignKey(
                        name: "FK_party_totals_parties_party_id",
                        column: x => x.party_id,
                        principalTable: "parties",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_buyer_id_id",
                table: "invoices",
                columns: new[] { "buyer_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_buyer_name_id",
                table: "invoices",
                columns: new[] { "buyer_name", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_invoice_date_id",
                table: "invoices",
                columns: new[] { "invoice_date", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_invoices_number_trgm",
                table: "invoices",
                column: "invoice_number")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_run_id_id",
                table: "invoices",
                columns: new[] { "run_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_seller_id_id",
                table: "invoices",
                columns: new[] { "seller_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_seller_name_id",
                table: "invoices",
                columns: new[] { "seller_name", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_subtotal_id",
                table: "invoices",
                columns: new[] { "subtotal", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_total_amount_id",
                table: "invoices",
                columns: new[] { "total_amount", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invoices_vat_amount_id",
                table: "invoices",
                columns: new[] { "vat_amount", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_parties_kind_name",
                table: "parties",
                columns: new[] { "kind", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_parties_name",
                table: "parties",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            // Invoices made before parties existed: their names become parties, and the rollups start from what is there.
            migrationBuilder.Sql("""
                INSERT INTO parties (name, kind) SELECT DISTINCT seller_name, 1 FROM invoices ON CONFLICT DO NOTHING;
                INSERT INTO parties (name, kind) SELECT DISTINCT buyer_name, 2 FROM invoices ON CONFLICT DO NOTHING;
                UPDATE invoices i SET seller_id = s.id, buyer_id = b.id
                  FROM parties s, parties b
                 WHERE s.kind = 1 AND s.name = i.seller_name AND b.kind = 2 AND b.name = i.buyer_name;
                INSERT INTO party_totals (party_id, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
                SELECT party_id, count(*), sum(subtotal), sum(vat_amount), sum(total_amount), max(id)
                  FROM (SELECT seller_id AS party_id, * FROM invoices UNION ALL SELECT buyer_id, * FROM invoices) x
                 GROUP BY party_id;
                UPDATE generation_runs r SET subtotal = t.subtotal, vat_amount = t.vat_amount, total_amount = t.total_amount
                  FROM (SELECT run_id, sum(subtotal) AS subtotal, sum(vat_amount) AS vat_amount, sum(total_amount) AS total_amount
                          FROM invoices GROUP BY run_id) t
                 WHERE r.id = t.run_id;
                """);

            migrationBuilder.AddForeignKey(
                name: "FK_invoices_parties_buyer_id",
                table: "invoices",
                column: "buyer_id",
                principalTable: "parties",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_invoices_parties_seller_id",
                table: "invoices",
                column: "seller_id",
                principalTable: "parties",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // The database, not the generator, keeps an invoice's party names and the rollups right:
            // whoever inserts an invoice, its names are its parties' and every rollup counts it once,
            // in the inserting transaction.
            migrationBuilder.Sql("""
                CREATE FUNCTION invoices_fill_parties() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    SELECT name INTO NEW.seller_name FROM parties WHERE id = NEW.seller_id AND kind = 1;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'invoice %: party % is not a seller', NEW.id, NEW.seller_id USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    SELECT name INTO NEW.buyer_name FROM parties WHERE id = NEW.buyer_id AND kind = 2;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'invoice %: party % is not a buyer', NEW.id, NEW.buyer_id USING ERRCODE = 'foreign_key_violation';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER trg_invoices_fill_parties BEFORE INSERT OR UPDATE OF seller_id, buyer_id, seller_name, buyer_name
                    ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_fill_parties();

                CREATE FUNCTION invoices_rollups() RETURNS trigger LANGUAGE plpgsql AS $$
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
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_invoices_rollups AFTER INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_rollups();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_invoices_rollups ON invoices;
                DROP FUNCTION invoices_rollups();
                DROP TRIGGER trg_invoices_fill_parties ON invoices;
                DROP FUNCTION invoices_fill_parties();
                """);
            migrationBuilder.DropForeignKey(
                name: "FK_invoices_parties_buyer_id",
                table: "invoices");

            migrationBuilder.DropForeignKey(
                name: "FK_invoices_parties_seller_id",
                table: "invoices");

            migrationBuilder.DropTable(
                name: "party_totals");

            migrationBuilder.DropTable(
                name: "parties");

            migrationBuilder.DropIndex(
                name: "IX_invoices_buyer_id_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_buyer_name_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_invoice_date_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "ix_invoices_number_trgm",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_run_id_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_seller_id_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_seller_name_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_subtotal_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_total_amount_id",
                table: "invoices");

            migrationBuilder.DropIndex(
                name: "IX_invoices_vat_amount_id",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "buyer_id",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "seller_id",
                table: "invoices");

            migrationBuilder.DropColumn(
                name: "subtotal",
                table: "generation_runs");

            migrationBuilder.DropColumn(
                name: "total_amount",
                table: "generation_runs");

            migrationBuilder.DropColumn(
                name: "vat_amount",
                table: "generation_runs");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
