using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The explorer's status filter on partial indexes: each holds only the invoices its status can
    /// select, and InvoiceSearch's conditions repeat these predicates word for word, which is how
    /// PostgreSQL knows it may use them. Paid, partially paid and void are the few (by id, the list's
    /// order); the unpaid ones by due date answer "overdue" (due_date &lt; today) and "open" when it
    /// is the rarer. A new invoice is unpaid, so each insert adds one entry (to the unpaid index).
    /// </summary>
    public partial class StatusIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_invoices_status_void ON invoices (id) WHERE voided_at IS NOT NULL;
                CREATE INDEX ix_invoices_status_paid ON invoices (id) WHERE voided_at IS NULL AND paid_amount = total_amount;
                CREATE INDEX ix_invoices_status_partially_paid ON invoices (id)
                    WHERE voided_at IS NULL AND paid_amount < total_amount AND paid_amount > 0;
                CREATE INDEX ix_invoices_status_unpaid_due ON invoices (due_date, id)
                    WHERE voided_at IS NULL AND paid_amount < total_amount;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_invoices_status_void;
                DROP INDEX ix_invoices_status_paid;
                DROP INDEX ix_invoices_status_partially_paid;
                DROP INDEX ix_invoices_status_unpaid_due;
                """);
        }
    }
}
