using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InvoiceMvc.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The invoice lifecycle (decision 017): due dates, line items, payments, void, and a double-entry
    /// ledger posted by triggers in the event's own transaction, with running balances
    /// (ledger_balances) and open balances per buyer and due date (open_balances) for the aging report.
    /// Existing invoices are backfilled: 30-day terms, one line each, their issue entries and the rollups.
    /// Account codes are Domain's LedgerAccount codes: 1000 cash at bank, 1100 receivable, 2200 VAT payable, 4000 sales.
    /// </summary>
    public partial class Lifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "invoice_id",
                table: "audit_log",
                type: "bigint",
                nullable: true);

            // Invoices: the new columns, backfilled before the guard trigger exists.
            migrationBuilder.Sql("""
                ALTER TABLE invoices
                    ADD COLUMN due_date date,
                    ADD COLUMN paid_amount numeric(14,2) NOT NULL DEFAULT 0,
                    ADD COLUMN voided_at timestamp with time zone,
                    ADD COLUMN voided_by text,
                    ADD COLUMN void_reason text;
                UPDATE invoices SET due_date = (invoice_date AT TIME ZONE 'UTC')::date + 30;
                ALTER TABLE invoices ALTER COLUMN due_date SET NOT NULL,
                    ADD CONSTRAINT ck_invoices_total_covers_paid CHECK (paid_amount >= 0 AND paid_amount <= total_amount),
                    ADD CONSTRAINT ck_invoices_void CHECK (voided_at IS NULL
                        OR (paid_amount = 0 AND voided_by IS NOT NULL AND btrim(coalesce(void_reason, '')) <> ''));
                """);

            // An issued invoice's number, parties, amounts and due date never change; paid_amount moves
            // only with a payment (the payments trigger, one level down); a void is final.
            // A writer that gives no due date gets the default 30-day terms (the app always gives one).
            migrationBuilder.Sql("""
                CREATE FUNCTION invoices_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        NEW.due_date := coalesce(NEW.due_date, (NEW.invoice_date AT TIME ZONE 'UTC')::date + 30);
                        IF NEW.paid_amount <> 0 OR NEW.voided_at IS NOT NULL THEN
                            RAISE EXCEPTION 'invoice %: an invoice is issued unpaid and not void', NEW.id
                                USING ERRCODE = 'restrict_violation', CONSTRAINT = 'invoices_issued_open';
                        END IF;
                        RETURN NEW;
                    END IF;
                    IF (NEW.id, NEW.invoice_number, NEW.run_id, NEW.sequence, NEW.invoice_date, NEW.seller_id, NEW.buyer_id,
                        NEW.subtotal, NEW.vat_rate, NEW.vat_amount, NEW.total_amount, NEW.due_date)
                       IS DISTINCT FROM
                       (OLD.id, OLD.invoice_number, OLD.run_id, OLD.sequence, OLD.invoice_date, OLD.seller_id, OLD.buyer_id,
                        OLD.subtotal, OLD.vat_rate, OLD.vat_amount, OLD.total_amount, OLD.due_date) THEN
                        RAISE EXCEPTION 'invoice %: an issued invoice''s number, parties, amounts and due date do not change', OLD.id
                            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'invoices_immutable';
                    END IF;
                    IF NEW.paid_amount <> OLD.paid_amount AND pg_trigger_depth() < 2 THEN
                        RAISE EXCEPTION 'invoice %: paid_amount changes only by inserting a payment', OLD.id
                            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'invoices_paid_by_payments';
                    END IF;
                    IF OLD.voided_at IS NOT NULL AND (NEW.voided_at, NEW.voided_by, NEW.void_reason)
                                                     IS DISTINCT FROM (OLD.voided_at, OLD.voided_by, OLD.void_reason) THEN
                        RAISE EXCEPTION 'invoice %: a void is final', OLD.id
                            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'invoices_void_final';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER trg_invoices_guard BEFORE INSERT OR UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_guard();
                """);

            // Line items: the amounts are exact (quantity x unit price, no rounding) and, checked at
            // commit, sum to the invoice's subtotal.
            migrationBuilder.Sql("""
                CREATE TABLE invoice_lines (
                    invoice_id bigint NOT NULL REFERENCES invoices (id),
                    line_no smallint NOT NULL CHECK (line_no >= 1),
                    description text NOT NULL CHECK (btrim(description) <> ''),
                    quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 20),
                    unit_price numeric(14,2) NOT NULL CHECK (unit_price > 0),
                    amount numeric(14,2) NOT NULL,
                    PRIMARY KEY (invoice_id, line_no),
                    CONSTRAINT ck_invoice_lines_amount CHECK (amount = quantity * unit_price));

                INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, amount)
                SELECT id, 1, 'Goods and services', 1, subtotal, subtotal FROM invoices;

                CREATE FUNCTION invoice_lines_check_sum(invoice bigint) RETURNS void LANGUAGE plpgsql AS $$
                DECLARE expected numeric; actual numeric; lines int;
                BEGIN
                    SELECT subtotal INTO expected FROM invoices WHERE id = invoice;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;
                    SELECT count(*), coalesce(sum(amount), 0) INTO lines, actual FROM invoice_lines WHERE invoice_id = invoice;
                    IF lines = 0 OR actual <> expected THEN
                        RAISE EXCEPTION 'invoice %: % line(s) summing to % for a subtotal of %', invoice, lines, actual, expected
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'invoice_lines_sum';
                    END IF;
                END $$;
                CREATE FUNCTION invoice_lines_sum_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_TABLE_NAME = 'invoices' THEN
                        PERFORM invoice_lines_check_sum(NEW.id);
                        RETURN NULL;
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM invoice_lines_check_sum(NEW.invoice_id);
                    END IF;
                    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.invoice_id <> NEW.invoice_id) THEN
                        PERFORM invoice_lines_check_sum(OLD.invoice_id);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER trg_invoices_lines_sum AFTER INSERT ON invoices
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoice_lines_sum_trigger();
                CREATE CONSTRAINT TRIGGER trg_invoice_lines_sum AFTER INSERT OR UPDATE OR DELETE ON invoice_lines
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION invoice_lines_sum_trigger();
                """);

            // Payments: append-only, one per idempotency key.
            migrationBuilder.Sql("""
                CREATE TABLE payments (
                    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    invoice_id bigint NOT NULL REFERENCES invoices (id),
                    amount numeric(14,2) NOT NULL CONSTRAINT ck_payments_amount_positive CHECK (amount > 0),
                    method smallint NOT NULL CONSTRAINT ck_payments_method CHECK (method BETWEEN 0 AND 3),
                    reference varchar(100),
                    paid_on date NOT NULL,
                    recorded_at timestamp with time zone NOT NULL DEFAULT now(),
                    recorded_by text NOT NULL,
                    idempotency_key uuid NOT NULL CONSTRAINT ux_payments_idempotency_key UNIQUE);
                CREATE INDEX ix_payments_invoice_id_id ON payments (invoice_id, id);
                """);

            // The ledger: accounts, entries, lines, and the running balance of each account.
            migrationBuilder.Sql("""
                CREATE TABLE ledger_accounts (
                    code varchar(10) PRIMARY KEY,
                    name text NOT NULL,
                    normal_side smallint NOT NULL CHECK (normal_side IN (1, 2)));
                INSERT INTO ledger_accounts (code, name, normal_side) VALUES
                    ('1000', 'Cash at bank', 1), ('1100', 'Accounts receivable', 1), ('2200', 'VAT payable', 2), ('4000', 'Sales', 2);

                CREATE TABLE journal_entries (
                    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    posted_at timestamp with time zone NOT NULL DEFAULT now(),
                    kind smallint NOT NULL CHECK (kind IN (1, 2, 3)),
                    invoice_id bigint NOT NULL REFERENCES invoices (id),
                    payment_id bigint NULL REFERENCES payments (id),
                    memo text NOT NULL DEFAULT '',
                    CONSTRAINT ck_journal_entries_payment CHECK ((kind = 2) = (payment_id IS NOT NULL)));
                CREATE INDEX ix_journal_entries_invoice_id ON journal_entries (invoice_id, id);
                -- One issue and at most one void entry per invoice, one entry per payment.
                CREATE UNIQUE INDEX ux_journal_entries_issue ON journal_entries (invoice_id) WHERE kind = 1;
                CREATE UNIQUE INDEX ux_journal_entries_void ON journal_entries (invoice_id) WHERE kind = 3;
                CREATE UNIQUE INDEX ux_journal_entries_payment ON journal_entries (payment_id) WHERE payment_id IS NOT NULL;

                CREATE TABLE journal_lines (
                    entry_id bigint NOT NULL REFERENCES journal_entries (id),
                    line_no smallint NOT NULL,
                    account_code varchar(10) NOT NULL REFERENCES ledger_accounts (code),
                    debit numeric(14,2) NOT NULL DEFAULT 0,
                    credit numeric(14,2) NOT NULL DEFAULT 0,
                    PRIMARY KEY (entry_id, line_no),
                    CONSTRAINT ck_journal_lines_one_side CHECK (debit >= 0 AND credit >= 0 AND (debit > 0) <> (credit > 0)));
                -- One account's journal, paged by entry.
                CREATE INDEX ix_journal_lines_account_code_entry_id ON journal_lines (account_code, entry_id);

                CREATE TABLE ledger_balances (
                    account_code varchar(10) PRIMARY KEY REFERENCES ledger_accounts (code),
                    debit_total numeric(20,2) NOT NULL DEFAULT 0,
                    credit_total numeric(20,2) NOT NULL DEFAULT 0);

                CREATE TABLE open_balances (
                    buyer_id bigint NOT NULL REFERENCES parties (id),
                    due_date date NOT NULL,
                    balance numeric(16,2) NOT NULL,
                    invoices integer NOT NULL,
                    PRIMARY KEY (buyer_id, due_date),
                    CONSTRAINT ck_open_balances_non_negative CHECK (balance >= 0 AND invoices >= 0));
                CREATE INDEX ix_open_balances_due_date ON open_balances (due_date);
                """);

            // Backfill: every existing invoice's issue entry (one INSERT ... SELECT each for entries and
            // lines), then the balances and open balances by GROUP BY, before the triggers that keep them exist.
            migrationBuilder.Sql("""
                INSERT INTO journal_entries (posted_at, kind, invoice_id, memo)
                SELECT created_at, 1, id, 'Issue ' || invoice_number FROM invoices ORDER BY id;
                INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit)
                SELECT e.id, l.line_no, l.code, l.debit, l.credit
                  FROM journal_entries e JOIN invoices i ON i.id = e.invoice_id
                 CROSS JOIN LATERAL (VALUES (1::smallint, '1100', i.total_amount, 0::numeric),
                                            (2::smallint, '2200', 0::numeric, i.vat_amount),
                                            (3::smallint, '4000', 0::numeric, i.subtotal)) l(line_no, code, debit, credit);
                INSERT INTO ledger_balances (account_code, debit_total, credit_total)
                SELECT a.code, coalesce(sum(l.debit), 0), coalesce(sum(l.credit), 0)
                  FROM ledger_accounts a LEFT JOIN journal_lines l ON l.account_code = a.code
                 GROUP BY a.code;
                INSERT INTO open_balances (buyer_id, due_date, balance, invoices)
                SELECT buyer_id, due_date, sum(total_amount), count(*) FROM invoices GROUP BY buyer_id, due_date;
                """);

            // Balanced entries only, checked at commit: an entry and its lines are written in one
            // transaction, so a half-written entry is never seen, and no writer can leave one unbalanced.
            migrationBuilder.Sql("""
                CREATE FUNCTION journal_check_entry(entry bigint) RETURNS void LANGUAGE plpgsql AS $$
                DECLARE lines int; debits numeric; credits numeric;
                BEGIN
                    PERFORM 1 FROM journal_entries WHERE id = entry;
                    IF NOT FOUND THEN
                        RETURN;
                    END IF;
                    SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) INTO lines, debits, credits
                      FROM journal_lines WHERE entry_id = entry;
                    IF lines < 2 OR debits <> credits THEN
                        RAISE EXCEPTION 'journal entry %: % line(s), debits % and credits %', entry, lines, debits, credits
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entry_balanced';
                    END IF;
                END $$;
                CREATE FUNCTION journal_balanced_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_TABLE_NAME = 'journal_entries' THEN
                        PERFORM journal_check_entry(NEW.id);
                        RETURN NULL;
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        PERFORM journal_check_entry(NEW.entry_id);
                    END IF;
                    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.entry_id <> NEW.entry_id) THEN
                        PERFORM journal_check_entry(OLD.entry_id);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE CONSTRAINT TRIGGER trg_journal_entries_balanced AFTER INSERT ON journal_entries
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_balanced_trigger();
                CREATE CONSTRAINT TRIGGER trg_journal_lines_balanced AFTER INSERT OR UPDATE OR DELETE ON journal_lines
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_balanced_trigger();

                -- Running balances: each line moves its account's totals, so the trial balance is four rows.
                CREATE FUNCTION journal_lines_balances() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        UPDATE ledger_balances SET debit_total = debit_total - OLD.debit, credit_total = credit_total - OLD.credit
                         WHERE account_code = OLD.account_code;
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO ledger_balances AS b (account_code, debit_total, credit_total)
                        VALUES (NEW.account_code, NEW.debit, NEW.credit)
                        ON CONFLICT (account_code) DO UPDATE
                           SET debit_total = b.debit_total + EXCLUDED.debit_total, credit_total = b.credit_total + EXCLUDED.credit_total;
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_journal_lines_balances AFTER INSERT OR UPDATE OR DELETE ON journal_lines
                    FOR EACH ROW EXECUTE FUNCTION journal_lines_balances();
                """);

            // Posting, in the event's own transaction. Lines go in account-code order, so concurrent
            // postings lock the ledger_balances rows in one order and never deadlock on them.
            migrationBuilder.Sql("""
                CREATE FUNCTION open_balances_move(buyer bigint, due date, amount numeric, invoices_delta int) RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    -- An upsert's CHECK sees the row it would insert, so only an issue (a positive move) upserts.
                    IF amount > 0 THEN
                        INSERT INTO open_balances AS o (buyer_id, due_date, balance, invoices)
                        VALUES (buyer, due, amount, invoices_delta)
                        ON CONFLICT (buyer_id, due_date) DO UPDATE
                           SET balance = o.balance + EXCLUDED.balance, invoices = o.invoices + EXCLUDED.invoices;
                        RETURN;
                    END IF;
                    UPDATE open_balances SET balance = balance + amount, invoices = invoices + invoices_delta
                     WHERE buyer_id = buyer AND due_date = due;
                    -- Rows with nothing open are deleted: open_balances holds exactly what is owed.
                    DELETE FROM open_balances WHERE buyer_id = buyer AND due_date = due AND invoices = 0 AND balance = 0;
                END $$;

                CREATE FUNCTION invoices_post_issue() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE entry bigint;
                BEGIN
                    INSERT INTO journal_entries (kind, invoice_id, memo) VALUES (1, NEW.id, 'Issue ' || NEW.invoice_number)
                    RETURNING id INTO entry;
                    INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit) VALUES
                        (entry, 1, '1100', NEW.total_amount, 0),
                        (entry, 2, '2200', 0, NEW.vat_amount),
                        (entry, 3, '4000', 0, NEW.subtotal);
                    PERFORM open_balances_move(NEW.buyer_id, NEW.due_date, NEW.total_amount, 1);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_invoices_post_issue AFTER INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION invoices_post_issue();

                CREATE FUNCTION payments_post() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE inv invoices%ROWTYPE; entry bigint;
                BEGIN
                    SELECT * INTO inv FROM invoices WHERE id = NEW.invoice_id FOR UPDATE;
                    IF inv.voided_at IS NOT NULL THEN
                        RAISE EXCEPTION 'invoice %: a void invoice takes no payment', inv.invoice_number
                            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payments_invoice_not_void';
                    END IF;
                    IF NEW.paid_on < (inv.invoice_date AT TIME ZONE 'UTC')::date THEN
                        RAISE EXCEPTION 'invoice %: paid on % before its issue date', inv.invoice_number, NEW.paid_on
                            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payments_paid_on_after_issue';
                    END IF;
                    -- ck_invoices_total_covers_paid refuses the update past the total: no path can overpay.
                    UPDATE invoices SET paid_amount = paid_amount + NEW.amount WHERE id = NEW.invoice_id;
                    INSERT INTO journal_entries (kind, invoice_id, payment_id, memo)
                    VALUES (2, NEW.invoice_id, NEW.id, 'Payment ' || inv.invoice_number)
                    RETURNING id INTO entry;
                    INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit) VALUES
                        (entry, 1, '1000', NEW.amount, 0),
                        (entry, 2, '1100', 0, NEW.amount);
                    PERFORM open_balances_move(inv.buyer_id, inv.due_date, -NEW.amount,
                        CASE WHEN inv.paid_amount + NEW.amount = inv.total_amount THEN -1 ELSE 0 END);
                    PERFORM pg_notify('invoice_changed', NEW.invoice_id::text);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_payments_post AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION payments_post();
                CREATE FUNCTION payments_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'payments are append-only' USING ERRCODE = 'restrict_violation', CONSTRAINT = 'payments_append_only';
                END $$;
                CREATE TRIGGER trg_payments_append_only BEFORE UPDATE OR DELETE ON payments FOR EACH ROW EXECUTE FUNCTION payments_append_only();

                -- A void reverses the issue entry line by line (debits become credits) and closes the open balance.
                CREATE FUNCTION invoices_post_void() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE entry bigint;
                BEGIN
                    INSERT INTO journal_entries (kind, invoice_id, memo) VALUES (3, NEW.id, 'Void ' || NEW.invoice_number)
                    RETURNING id INTO entry;
                    INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit)
                    SELECT entry, l.line_no, l.account_code, l.credit, l.debit
                      FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
                     WHERE e.invoice_id = NEW.id AND e.kind = 1
                     ORDER BY l.line_no;
                    PERFORM open_balances_move(NEW.buyer_id, NEW.due_date, -(NEW.total_amount - NEW.paid_amount), -1);
                    PERFORM pg_notify('invoice_changed', NEW.id::text);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_invoices_post_void AFTER UPDATE OF voided_at ON invoices FOR EACH ROW
                    WHEN (OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL) EXECUTE FUNCTION invoices_post_void();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_invoices_post_void ON invoices;
                DROP TRIGGER trg_invoices_post_issue ON invoices;
                DROP TRIGGER trg_invoices_lines_sum ON invoices;
                DROP TRIGGER trg_invoices_guard ON invoices;
                DROP TABLE open_balances, ledger_balances, journal_lines, journal_entries, ledger_accounts, payments, invoice_lines;
                DROP FUNCTION invoices_post_void(), payments_append_only(), payments_post(), invoices_post_issue(),
                    open_balances_move(bigint, date, numeric, int), journal_lines_balances(), journal_balanced_trigger(),
                    journal_check_entry(bigint), invoice_lines_sum_trigger(), invoice_lines_check_sum(bigint), invoices_guard();
                ALTER TABLE invoices DROP CONSTRAINT ck_invoices_void, DROP CONSTRAINT ck_invoices_total_covers_paid,
                    DROP COLUMN due_date, DROP COLUMN paid_amount, DROP COLUMN voided_at, DROP COLUMN voided_by, DROP COLUMN void_reason;
                """);

            migrationBuilder.DropColumn(
                name: "invoice_id",
                table: "audit_log");
        }
    }
}
