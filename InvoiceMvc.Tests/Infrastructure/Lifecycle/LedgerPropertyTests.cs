using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using Xunit.Abstractions;

namespace InvoiceMvc.Tests.Infrastructure.Lifecycle;

/// <summary>
/// The ledger under generated sequences of payments and voids, through the real
/// <see cref="PaymentService"/> and <see cref="VoidService"/> on a real database (the
/// <see cref="LifecycleDatabase"/> seed, reset between cases). A model kept here says what each
/// operation must do (record, refuse with which field, not find, report a duplicate) and what each
/// invoice then is; after every operation the database must agree with it and the ledger must hold.
/// </summary>
public sealed class LedgerPropertyTests(ITestOutputHelper output)
{
    private const int Cases = 40;
    private const int MaxOperations = 10;

    /// <summary>A fixed seed, so a run is repeatable; INVOICEMVC_LEDGER_PROPERTY_SEED explores another.</summary>
    private const ulong DefaultSeed = 20260310;

    private static readonly DateOnly Today = DateOnly.FromDateTime(LifecycleDatabase.Now.UtcDateTime);
    private static readonly string[] Numbers = ["INV-0000001", "INV-0000002", "INV-0000003"];
    private const string Unknown = "INV-0000099";

    private const string SnapshotSql = """
        SELECT concat_ws(' | ',
            (SELECT string_agg(concat_ws(',', id, paid_amount, voided_at, voided_by, void_reason), ';' ORDER BY id) FROM invoices),
            (SELECT count(*) FROM payments), (SELECT count(*) FROM journal_entries), (SELECT count(*) FROM journal_lines),
            (SELECT string_agg(concat_ws(',', account_code, debit_total, credit_total), ';' ORDER BY account_code) FROM ledger_balances),
            (SELECT string_agg(concat_ws(',', buyer_id, due_date, balance, invoices), ';' ORDER BY buyer_id, due_date) FROM open_balances),
            (SELECT count(*) FROM audit_log))
        """;

    /// <summary>
    /// What an operation does. The payments relative to the balance (the model's, when the operation
    /// runs) reach what absolute amounts rarely do: an invoice paid in full, one paid in part, and a
    /// payment just over what is left of a part-paid invoice.
    /// </summary>
    public enum OpKind
    {
        /// <summary>Pay <see cref="Op.Amount"/>, valid or not, whatever the balance.</summary>
        Pay,

        /// <summary>Pay the fraction <see cref="Op.Amount"/> of what is left, in cents (at least 0.01).</summary>
        PayPartOfTheRest,

        /// <summary>Pay what is left (0.01 when nothing is).</summary>
        PayTheRest,

        /// <summary>Pay <see cref="Op.Amount"/> more than what is left.</summary>
        PayMoreThanTheRest,
        Void,

        /// <summary>Send the last recorded payment again, with its idempotency key (a double submit).</summary>
        Resubmit,
    }

    public sealed record Op(OpKind Kind, string Invoice, decimal Amount, DateOnly PaidOn)
    {
        public override string ToString() => Kind switch
        {
            OpKind.Pay => string.Create(CultureInfo.InvariantCulture, $"Pay({Invoice}, {Amount}, {PaidOn:MM-dd})"),
            OpKind.PayPartOfTheRest => string.Create(CultureInfo.InvariantCulture, $"PayPartOfTheRest({Invoice}, {Amount:P0}, {PaidOn:MM-dd})"),
            OpKind.PayTheRest => string.Create(CultureInfo.InvariantCulture, $"PayTheRest({Invoice}, {PaidOn:MM-dd})"),
            OpKind.PayMoreThanTheRest => string.Create(CultureInfo.InvariantCulture, $"PayMoreThanTheRest({Invoice}, +{Amount}, {PaidOn:MM-dd})"),
            OpKind.Void => $"Void({Invoice})",
            _ => "Resubmit",
        };
    }

    [Fact]
    public async Task AnySequenceOfPaymentsAndVoids_KeepsTheLedgerBalanced_AndEveryInvoiceAsTheModelSays()
    {
        await using var l = await LifecycleDatabase.CreateAsync();
        var cases = 0;
        var seen = new Dictionary<string, int>();
        var property = Prop.ForAll(Arb.From(Sequences(), Shrink), async ops =>
        {
            cases++;
            await l.ResetAsync();
            await RunAsync(l, ops, seen);
        });

        var seed = Environment.GetEnvironmentVariable("INVOICEMVC_LEDGER_PROPERTY_SEED") is { Length: > 0 } s
            ? ulong.Parse(s, CultureInfo.InvariantCulture)
            : DefaultSeed;
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithReplay(seed, 0x9E3779B97F4A7C15UL);
        // FsCheck waits for each case's task itself: off xunit's synchronization context, so no case waits on it.
        await Task.Run(() => Check.One(config, property));
        Assert.True(cases >= Cases, $"FsCheck ran {cases} cases, expected {Cases}");

        // The generator reaches every outcome and every status, or the property proves less than it says.
        var tally = string.Join(", ", seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        output.WriteLine($"{cases} cases (seed {seed}): {tally}");
        string[] expected =
        [
            "Recorded", "Duplicate", "NotFound", "Rejected Amount", "Rejected Amount over a part-paid balance", "Rejected PaidOn", "Rejected InvoiceNumber",
            "Voided", "Void NotFound", "Void Rejected",
            .. Enum.GetNames<InvoiceStatus>().Select(s => "status " + s),
        ];
        Assert.Empty(expected.Except(seen.Keys));
    }

    private static Gen<Op[]> Sequences()
    {
        var invoice = Gen.Frequency((10, Gen.Elements(Numbers)), (1, Gen.Constant(Unknown)));
        var amount = Gen.Frequency(
            (5, Gen.Choose(1, 3_000).Select(c => c / 100m)),                  // fits most balances, not INV-0000002's
            (2, Gen.Choose(1, 15_000).Select(c => c / 100m)),                 // often more than any balance
            (2, Gen.Elements(11.50m, 23.00m, 115.00m, 100.00m, 15.00m, 11.51m, 23.01m, 115.01m)),
            (1, Gen.Elements(0m, -1.00m, 0.001m, 10.005m, PaymentRequestValidator.MaxAmount, PaymentRequestValidator.MaxAmount + 0.01m)));
        var paidOn = Gen.Frequency(
            (12, Gen.Elements(new DateOnly(2026, 3, 9), Today)),
            (2, Gen.Elements(new DateOnly(2026, 3, 1), new DateOnly(2026, 2, 15))), // INV-0000001's issue day; before INV-0000003's (both before either)
            (1, Gen.Constant(Today.AddDays(1))));                                 // in the future
        var kind = Gen.Frequency(
            (4, Gen.Constant(OpKind.Pay)), (3, Gen.Constant(OpKind.PayPartOfTheRest)), (2, Gen.Constant(OpKind.PayTheRest)),
            (2, Gen.Constant(OpKind.PayMoreThanTheRest)), (2, Gen.Constant(OpKind.Void)), (1, Gen.Constant(OpKind.Resubmit)));
        var op = from k in kind
                 from i in invoice
                 from a in k switch
                 {
                     OpKind.PayPartOfTheRest => Gen.Choose(1, 99).Select(p => p / 100m),
                     OpKind.PayMoreThanTheRest => Gen.Elements(0.01m, 0.10m, 1.00m, 50.00m),
                     _ => amount,
                 }
                 from d in paidOn
                 select new Op(k, i, a, d);
        return from n in Gen.Choose(1, MaxOperations)
               from ops in op.ArrayOf(n)
               select ops;
    }

    /// <summary>Shorter sequences first: each with one operation left out.</summary>
    private static IEnumerable<Op[]> Shrink(Op[] ops) =>
        Enumerable.Range(0, ops.Length).Select(skip => ops.Where((_, i) => i != skip).ToArray());

    private static async Task RunAsync(LifecycleDatabase l, Op[] ops, Dictionary<string, int> seen)
    {
        void Saw(string what) => seen[what] = seen.GetValueOrDefault(what) + 1;

        var model = await Model.LoadAsync(l);
        await CheckAsync(l, model, "after the seed");
        PaymentRequest? lastRecorded = null;
        long lastRecordedId = 0;

        for (var step = 0; step < ops.Length; step++)
        {
            var op = ops[step];
            var where = $"after step {step + 1} ({op}) of [{string.Join(", ", ops)}]";
            var before = await l.Db.ScalarAsync<string>(SnapshotSql);
            bool changed;

            switch (op.Kind)
            {
                case OpKind.Pay or OpKind.PayPartOfTheRest or OpKind.PayTheRest or OpKind.PayMoreThanTheRest:
                {
                    var balance = model.Invoices.TryGetValue(op.Invoice, out var m) ? m.Balance : 0m;
                    var partPaid = m is { Paid: > 0m } && balance > 0m;
                    var amount = op.Kind switch
                    {
                        OpKind.Pay => op.Amount,
                        OpKind.PayPartOfTheRest => Math.Max(0.01m, decimal.Floor(balance * op.Amount * 100m) / 100m),
                        OpKind.PayTheRest => balance > 0m ? balance : 0.01m,
                        _ => balance + op.Amount,
                    };
                    var request = LifecycleDatabase.Request(op.Invoice, amount, op.PaidOn);
                    var expected = model.Pay(request);
                    var actual = await l.PayAsync(request);
                    AssertPayment(expected, actual, where);
                    Saw(actual is PaymentResult.Rejected rejected ? "Rejected " + rejected.Field : actual.GetType().Name);
                    if (actual is PaymentResult.Rejected { Field: nameof(PaymentRequest.Amount) } && amount > balance && partPaid)
                    {
                        Saw("Rejected Amount over a part-paid balance");
                    }

                    if (actual is PaymentResult.Recorded recorded)
                    {
                        (lastRecorded, lastRecordedId) = (request, recorded.PaymentId);
                    }

                    changed = actual is PaymentResult.Recorded;
                    break;
                }

                case OpKind.Resubmit when lastRecorded is not null:
                    Assert.Equal(new PaymentResult.Duplicate(lastRecordedId), await l.PayAsync(lastRecorded));
                    Saw(nameof(PaymentResult.Duplicate));
                    changed = false;
                    break;

                case OpKind.Resubmit:
                    continue; // nothing recorded yet to send again

                default:
                {
                    var expected = model.Void(op.Invoice);
                    var actual = await l.VoidAsync(op.Invoice, "Generated void");
                    Assert.True(expected == actual.GetType(), $"{where}: expected {expected.Name}, got {actual}");
                    Saw(actual is VoidResult.Voided ? "Voided" : "Void " + actual.GetType().Name);
                    if (actual is VoidResult.Voided voided)
                    {
                        Assert.Equal(new VoidResult.Voided(model.Invoices[op.Invoice].Id, LifecycleDatabase.Now), voided);
                    }

                    changed = actual is VoidResult.Voided;
                    break;
                }
            }

            if (!changed)
            {
                Assert.True(before == await l.Db.ScalarAsync<string>(SnapshotSql), $"{where}: a refused operation changed the database");
            }

            await CheckAsync(l, model, where);
            foreach (var invoice in model.Invoices.Values)
            {
                Saw("status " + invoice.Standing.Status);
            }
        }
    }

    private static void AssertPayment(Expected expected, PaymentResult actual, string where)
    {
        switch (expected)
        {
            case Expected.Recorded r:
                var recorded = Assert.IsType<PaymentResult.Recorded>(actual);
                Assert.True(r.Standing == recorded.Standing && r.InvoiceId == recorded.InvoiceId,
                    $"{where}: expected {r}, got {recorded}");
                break;
            case Expected.NotFound:
                Assert.True(actual is PaymentResult.NotFound, $"{where}: expected not found, got {actual}");
                break;
            case Expected.Rejected r:
                Assert.True(actual is PaymentResult.Rejected rejected && rejected.Field == r.Field,
                    $"{where}: expected a rejection naming {r.Field}, got {actual}");
                break;
        }
    }

    /// <summary>The ledger's invariants, and each invoice as the model has it.</summary>
    private static async Task CheckAsync(LifecycleDatabase l, Model model, string where)
    {
        var db = l.Db;
        var broken = await LedgerInvariants.BrokenAsync(db);
        Assert.True(broken.Length == 0, $"{where}: broken: {broken}");
        var live = model.Invoices.Values.Where(i => !i.Voided).ToList();
        var ledger = await db.ScalarAsync<string>("""
            SELECT concat_ws('|', sum(debit_total) - sum(credit_total),
                sum(debit_total - credit_total) FILTER (WHERE account_code = '1100'),
                sum(credit_total - debit_total) FILTER (WHERE account_code = '2200'),
                sum(credit_total - debit_total) FILTER (WHERE account_code = '4000'),
                sum(debit_total - credit_total) FILTER (WHERE account_code = '1000'),
                (SELECT coalesce(sum(balance), 0)::numeric(16,2) FROM open_balances))
              FROM ledger_balances
            """);
        var receivable = live.Sum(i => i.Balance);
        var expectedLedger = string.Join('|', new[]
        {
            0m, receivable, live.Sum(i => i.Vat), live.Sum(i => i.Subtotal), model.Invoices.Values.Sum(i => i.Paid), receivable,
        }.Select(d => d.ToString("0.00", CultureInfo.InvariantCulture)));
        // trial balance difference | receivable | VAT payable | sales | cash | sum of open balances
        Assert.True(expectedLedger == ledger, $"{where}: ledger (difference|AR|VAT|sales|cash|open) {ledger}, expected {expectedLedger}");

        var queries = new InvoiceLifecycleQueries(db.DataSource);
        foreach (var (number, m) in model.Invoices)
        {
            var stored = await queries.LoadAsync(number);
            Assert.NotNull(stored);
            Assert.True(stored.Paid <= stored.Total, $"{where}: {number} paid {stored.Paid} of {stored.Total}");
            var expected = m.Standing;
            var actual = stored.StandingOn(Today);
            Assert.True(expected == actual, $"{where}: {number} is {actual} in the database, {expected} in the model");
        }

        Assert.True(model.Payments == await db.ScalarAsync<long>("SELECT count(*) FROM payments"), $"{where}: payment count");
        Assert.True(model.Payments + model.Voids == await db.ScalarAsync<long>("SELECT count(*) FROM audit_log"), $"{where}: audit entries");
    }

    private abstract record Expected
    {
        public sealed record Recorded(long InvoiceId, InvoiceStanding Standing) : Expected;

        public sealed record NotFound : Expected;

        public sealed record Rejected(string Field) : Expected;
    }

    private sealed class ModelInvoice(long id, decimal subtotal, decimal vat, decimal total, DateOnly issuedOn, DateOnly dueDate)
    {
        public long Id { get; } = id;
        public decimal Subtotal { get; } = subtotal;
        public decimal Vat { get; } = vat;
        public decimal Total { get; } = total;
        public DateOnly IssuedOn { get; } = issuedOn;
        public DateOnly DueDate { get; } = dueDate;
        public decimal Paid { get; set; }
        public bool Voided { get; set; }
        public decimal Balance => Voided ? 0m : Total - Paid;
        public InvoiceStanding Standing => InvoiceStanding.Of(Total, Paid, DueDate, Voided, Today);
    }

    /// <summary>What the rules say each operation does, in the order the services check them.</summary>
    private sealed class Model
    {
        private Model(Dictionary<string, ModelInvoice> invoices) => Invoices = invoices;

        public Dictionary<string, ModelInvoice> Invoices { get; }
        public long Payments { get; private set; }
        public long Voids { get; private set; }

        /// <summary>The seed's fixed facts (amounts and dates; nothing paid, nothing void).</summary>
        public static async Task<Model> LoadAsync(LifecycleDatabase l)
        {
            var queries = new InvoiceLifecycleQueries(l.Db.DataSource);
            var invoices = new Dictionary<string, ModelInvoice>();
            foreach (var number in Numbers)
            {
                var i = await queries.LoadAsync(number) ?? throw new InvalidOperationException($"{number} is not seeded");
                invoices[number] = new ModelInvoice(i.InvoiceId, i.Subtotal, i.VatAmount, i.Total, DateOnly.FromDateTime(i.IssuedAt.UtcDateTime), i.DueDate);
            }

            return new Model(invoices);
        }

        public Expected Pay(PaymentRequest request)
        {
            if (request.Amount <= 0m || request.Amount > PaymentRequestValidator.MaxAmount || decimal.Round(request.Amount, 2) != request.Amount)
            {
                return new Expected.Rejected(nameof(PaymentRequest.Amount));
            }

            if (request.PaidOn > Today)
            {
                return new Expected.Rejected(nameof(PaymentRequest.PaidOn));
            }

            if (!Invoices.TryGetValue(request.InvoiceNumber, out var invoice))
            {
                return new Expected.NotFound();
            }

            if (invoice.Voided || invoice.Balance == 0m)
            {
                return new Expected.Rejected(nameof(PaymentRequest.InvoiceNumber));
            }

            if (request.Amount > invoice.Balance)
            {
                return new Expected.Rejected(nameof(PaymentRequest.Amount));
            }

            if (request.PaidOn < invoice.IssuedOn)
            {
                return new Expected.Rejected(nameof(PaymentRequest.PaidOn));
            }

            invoice.Paid += request.Amount;
            Payments++;
            return new Expected.Recorded(invoice.Id, invoice.Standing);
        }

        /// <summary>The VoidResult case the service must answer with.</summary>
        public Type Void(string number)
        {
            if (!Invoices.TryGetValue(number, out var invoice))
            {
                return typeof(VoidResult.NotFound);
            }

            if (invoice.Voided || invoice.Paid > 0m)
            {
                return typeof(VoidResult.Rejected);
            }

            invoice.Voided = true;
            Voids++;
            return typeof(VoidResult.Voided);
        }
    }
}
