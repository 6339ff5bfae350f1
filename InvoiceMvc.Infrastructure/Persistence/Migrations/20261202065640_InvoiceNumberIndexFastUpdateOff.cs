using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InvoiceNumberIndexFastUpdateOff : Migration
    {
        // In place, not EF's drop-and-create: rebuilding a trigram index over millions of numbers takes
        // minutes, changing the option takes none. What was already pending is merged now.
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER INDEX ix_invoices_number_trgm SET (fastupdate = off);
                SELECT gin_clean_pending_list('ix_invoices_number_trgm');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER INDEX ix_invoices_number_trgm RESET (fastupdate);");
        }
    }
}
