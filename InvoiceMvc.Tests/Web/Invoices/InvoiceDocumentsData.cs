using System.Globalization;
using System.Text;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>
/// One app for a class of read-only tests of the invoice documents: 30 invoices from <see cref="Seed"/>
/// (unique totals), then four more whose parties have names a spreadsheet would run as formulas, with
/// equal totals in pairs (ties for the sorts).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a class fixture through IAsyncLifetime.DisposeAsync.")]
public sealed class InvoiceDocumentsData : IAsyncLifetime
{
    public const int Count = 34;
    public const string Hyperlink = "=HYPERLINK(\"http://evil.example\",\"click\")";
    public static readonly string[] FormulaSellers = [Hyperlink, "+1"];
    public static readonly string[] FormulaBuyers = ["@x", "-2"];

    private DashboardApp? _app;

    public DashboardApp App => _app ?? throw new InvalidOperationException("Started in InitializeAsync.");

    public async Task InitializeAsync()
    {
        _app = await DashboardApp.StartAsync(seedInvoices: 30);
        var sql = new StringBuilder();
        sql.AppendLine(Seed.PartiesSql(FormulaSellers[0], FormulaBuyers[0])).AppendLine(Seed.PartiesSql(FormulaSellers[1], FormulaBuyers[1]));
        (int Id, string Seller, string Buyer, string Subtotal)[] extra =
            [(31, FormulaSellers[0], FormulaBuyers[0], "10.00"), (32, FormulaSellers[1], FormulaBuyers[1], "10.00"),
             (33, FormulaSellers[0], FormulaBuyers[1], "20.00"), (34, FormulaSellers[1], FormulaBuyers[0], "20.00")];
        foreach (var (id, seller, buyer, subtotal) in extra)
        {
            sql.AppendLine(CultureInfo.InvariantCulture, $"""
                INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
                VALUES ({id}, '{InvoiceNumber.Format(id)}', 1, {id}, now() + interval '{id} seconds', {Seed.SellerId(seller)}, {Seed.BuyerId(buyer)},
                        {subtotal}, 0.15, round({subtotal} * 0.15, 2), {subtotal} + round({subtotal} * 0.15, 2));
                """);
        }

        sql.AppendLine(Seed.LinesSql);
        await App.Database.ExecuteAsync(sql.ToString());
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The invoice as the database holds it.</summary>
    public static async Task<Invoice> RowAsync(TestDatabase db, long id)
    {
        var rows = await RowsAsync(db, $"WHERE id = {id}", "");
        return Assert.Single(rows);
    }

    /// <summary>Invoices selected and ordered by SQL written here, independently of the app's search.</summary>
    public static async Task<List<Invoice>> RowsAsync(TestDatabase db, string where, string orderBy, params NpgsqlParameter[] parameters)
    {
        await using var cmd = db.DataSource.CreateCommand($"""
            SELECT id, invoice_number, run_id, invoice_date, seller_name, buyer_name, subtotal, vat_rate, vat_amount, total_amount, created_at
              FROM invoices {where} {orderBy}
            """);
        cmd.Parameters.AddRange(parameters);
        var result = new List<Invoice>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            result.Add(new Invoice
            {
                Id = r.GetInt64(0), InvoiceNumber = r.GetString(1), RunId = r.GetInt64(2), InvoiceDate = r.GetFieldValue<DateTimeOffset>(3),
                SellerName = r.GetString(4), BuyerName = r.GetString(5), Subtotal = r.GetDecimal(6), VatRate = r.GetDecimal(7),
                VatAmount = r.GetDecimal(8), TotalAmount = r.GetDecimal(9), CreatedAt = r.GetFieldValue<DateTimeOffset>(10),
            });
        }

        return result;
    }
}

/// <summary>A small RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF inside quotes.</summary>
public static class Rfc4180
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
                i++;
            }
            else
            {
                Assert.False(c is '\r' or '\n', $"a bare line break at {i}: records end with CRLF");
                field.Append(c);
            }
        }

        Assert.False(quoted, "the file ends inside a quoted field");
        Assert.True(field.Length == 0 && fields.Count == 0, "the last record ends with CRLF");
        return records;
    }
}
