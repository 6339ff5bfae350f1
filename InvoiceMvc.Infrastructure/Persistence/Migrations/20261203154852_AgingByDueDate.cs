using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The aging report's total without reading every buyer: open_balance_days holds what is open per
    /// due date (a row per day of due dates, not per buyer and day), kept by open_balances_move beside
    /// open_balances in the same statement, so the two can never disagree. Every posting locks the
    /// receivable's ledger_balances row before either, so the new row adds no lock order to get wrong.
    /// </summary>
    public partial class AgingByDueDate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE open_balance_days (
                    due_date date PRIMARY KEY,
                    balance numeric(16,2) NOT NULL,
                    invoices integer NOT NULL,
                    CONSTRAINT ck_open_balance_days_non_negative CHECK (balance >= 0 AND invoices >= 0));
                INSERT INTO open_balance_days (due_date, balance, invoices)
                SELECT due_date, sum(balance), sum(invoices) FROM open_balances GROUP BY due_date;

                CREATE OR REPLACE FUNCTION open_balances_move(buyer bigint, due date, amount numeric, invoices_delta int) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    -- An upsert's CHECK sees the row it would insert, so only an issue (a positive move) upserts.
                    IF amount > 0 THEN
                        INSERT INTO open_balances AS o (buyer_id, due_date, balance, invoices)
                        VALUES (buyer, due, amount, invoices_delta)
                        ON CONFLICT (buyer_id, due_date) DO UPDATE
                           SET balance = o.balance + EXCLUDED.balance, invoices = o.invoices + EXCLUDED.invoices;
                        INSERT INTO open_balance_days AS d (due_date, balance, invoices)
                        VALUES (due, amount, invoices_delta)
                        ON CONFLICT (due_date) DO UPDATE
                           SET balance = d.balance + EXCLUDED.balance, invoices = d.invoices + EXCLUDED.invoices;
                        RETURN;
                    END IF;
                    UPDATE open_balances SET balance = balance + amount, invoices = invoices + invoices_delta
                     WHERE buyer_id = buyer AND due_date = due;
                    UPDATE open_balance_days SET balance = balance + amount, invoices = invoices + invoices_delta
                     WHERE due_date = due;
                    -- Rows with nothing open are deleted: both tables hold exactly what is owed.
                    DELETE FROM open_balances WHERE buyer_id = buyer AND due_date = due AND invoices = 0 AND balance = 0;
                    DELETE FROM open_balance_days WHERE due_date = due AND invoices = 0 AND balance = 0;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION open_balances_move(buyer bigint, due date, amount numeric, invoices_delta int) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    IF amount > 0 THEN
                        INSERT INTO open_balances AS o (buyer_id, due_date, balance, invoices)
                        VALUES (buyer, due, amount, invoices_delta)
                        ON CONFLICT (buyer_id, due_date) DO UPDATE
                           SET balance = o.balance + EXCLUDED.balance, invoices = o.invoices + EXCLUDED.invoices;
                        RETURN;
                    END IF;
                    UPDATE open_balances SET balance = balance + amount, invoices = invoices + invoices_delta
                     WHERE buyer_id = buyer AND due_date = due;
                    DELETE FROM open_balances WHERE buyer_id = buyer AND due_date = due AND invoices = 0 AND balance = 0;
                END $$;
                DROP TABLE open_balance_days;
                """);
        }
    }
}
