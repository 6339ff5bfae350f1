using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "generation_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    status = table.Column<short>(type: "smallint", nullable: false),
                    rate_per_second = table.Column<int>(type: "integer", nullable: false),
                    target = table.Column<int>(type: "integer", nullable: false),
                    produced = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    job_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    last_tick_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_generation_runs", x => x.id);
                    table.CheckConstraint("ck_runs_completed_means_target", "status <> 3 OR produced = target");
                    table.CheckConstraint("ck_runs_produced_range", "produced >= 0 AND produced <= target");
                    table.CheckConstraint("ck_runs_rate_positive", "rate_per_second > 0");
                    table.CheckConstraint("ck_runs_status", "status IN (1, 2, 3, 4)");
                    table.CheckConstraint("ck_runs_target_positive", "target > 0");
                });

            migrationBuilder.CreateTable(
                name: "invoice_stats",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    invoice_count = table.Column<long>(type: "bigint", nullable: false),
                    total_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    vat_amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    last_invoice_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invoice_stats", x => x.id);
                    table.CheckConstraint("ck_invoice_stats_non_negative", "invoice_count >= 0 AND total_amount >= 0 AND vat_amount >= 0");
                    table.CheckConstraint("ck_invoice_stats_single_row", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    invoice_number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    invoice_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    seller_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    buyer_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    subtotal = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    vat_rate = table.Column<decimal>(type: "numeric(5,4)", precision: 5, scale: 4, nullable: false),
                    vat_amount = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    total_amount = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invoices", x => x.id);
                    table.CheckConstraint("ck_invoices_number_matches_id", "invoice_number = 'INV-' || lpad(id::text, greatest(7, length(id::text)), '0')");
                    table.CheckConstraint("ck_invoices_sequence_positive", "sequence > 0");
                    table.CheckConstraint("ck_invoices_subtotal_positive", "subtotal > 0");
                    table.CheckConstraint("ck_invoices_total", "total_amount = subtotal + vat_amount");
                    table.CheckConstraint("ck_invoices_vat_positive", "vat_amount > 0");
                    table.CheckConstraint("ck_invoices_vat_rate", "vat_rate >= 0 AND vat_rate <= 1");
                    table.CheckConstraint("ck_invoices_vat_rounding", "vat_amount = round(subtotal * vat_rate, 2)");
                    table.ForeignKey(
                        name: "FK_invoices_generation_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "generation_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "invoice_stats",
                columns: new[] { "id", "invoice_count", "last_invoice_id", "total_amount", "vat_amount" },
                values: new object[] { 1, 0L, 0L, 0m, 0m });

            migrationBuilder.CreateIndex(
                name: "ux_generation_runs_single_active",
                table: "generation_runs",
                column: "status",
                unique: true,
                filter: "status = 1");

            migrationBuilder.CreateIndex(
                name: "IX_invoices_invoice_number",
                table: "invoices",
                column: "invoice_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_invoices_run_id_sequence",
                table: "invoices",
                columns: new[] { "run_id", "sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "invoice_stats");

            migrationBuilder.DropTable(
                name: "invoices");

            migrationBuilder.DropTable(
                name: "generation_runs");
        }
    }
}
