using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>
/// The explorer's search against plain SQL over seeded data with ties (equal totals, equal dates, the
/// same seller many times): which rows each filter selects (InvoiceFilter.Matches over every row), in
/// which order (SQL's ORDER BY key, id over every row), and that the keyset pages, concatenated, are
/// exactly that list, each row once. The summaries equal SQL's aggregates. Some invoices are paid in
/// full, some in part, some void, and "today" is 2026-04-02, so half the unpaid ones are overdue: every
/// status selects some rows, judged by InvoiceStanding.Of in Matches and by the status's SQL in the search.
/// </summary>
public sealed class InvoiceSearchTests : IAsyncLifetime
{
    private const int PageSize = 7;

    /// <summary>Due dates are 2026-03-31 to 2026-04-03: on the 2nd the first two are past (the due day itself is not).</summary>
    private static readonly DateOnly Today = new(2026, 4, 2);
    private TestDatabase _db = null!;
    private InvoiceSearch _search = null!;
    private List<Invoice> _all = null!;

    public static TheoryData<string> Filters => new(FilterCases.Keys);

    private static readonly Dictionary<string, InvoiceFilter> FilterCases = new()
    {
        ["none"] = InvoiceFilter.All,
        ["text name"] = new() { Text = "alpha" },
        ["text number"] = new() { Text = "inv-000001" },
        ["text number end"] = new() { Text = "V-000008" },
        ["text digits"] = new() { Text = "01" },
        ["text number or name"] = new() { Text = "5" }, // numbers with a 5, and Delta_50% LLC
        ["text sellers and buyers"] = new() { Text = "T" },
        ["text like chars"] = new() { Text = "_50%" },
        ["seller"] = new() { Seller = "Beta Goods" },
        ["buyer"] = new() { Buyer = "Delta_50% LLC" },
        ["from"] = new() { From = new DateOnly(2026, 3, 3) },
        ["to"] = new() { To = new DateOnly(2026, 3, 2) },
        ["min"] = new() { MinTotal = 114.99m },
        ["max"] = new() { MaxTotal = 29.33m },
        ["run"] = new() { RunId = 2 },
        ["seller+from+max"] = new() { Seller = "Gamma & Co", From = new DateOnly(2026, 3, 2), MaxTotal = 114.99m },
        ["status open"] = new() { Status = InvoiceStatus.Open },
        ["status partially paid"] = new() { Status = InvoiceStatus.PartiallyPaid },
        ["status paid"] = new() { Status = InvoiceStatus.Paid },
        ["status overdue"] = new() { Status = InvoiceStatus.Overdue },
        ["status void"] = new() { Status = InvoiceStatus.Void },
        ["status overdue+buyer"] = new() { Status = InvoiceStatus.Overdue, Buyer = "Bolt Ltd" },
    };

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ExplorerSeed.InvoicesAsync(_db);
        // Paid in full (every 6th from 1), in part (every 6th from 2), void (every 9th from 3: never paid).
        await _db.ExecuteAsync("""
            INSERT INTO payments (invoice_id, amount, method, paid_on, recorded_by, idempotency_key)
            SELECT id, CASE WHEN id % 6 = 1 THEN total_amount ELSE 1.00 END, 0, (invoice_date AT TIME ZONE 'UTC')::date, 'test', gen_random_uuid()
              FROM invoices WHERE id % 6 IN (1, 2);
            UPDATE invoices SET voided_at = now(), voided_by = 'test', void_reason = 'issued twice' WHERE id % 9 = 3;
            """);
        var clock = new FakeTimeProvider(new DateTimeOffset(Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        _search = new InvoiceSearch(_db.DataSource, new LifecycleClock(clock, Options.Create(new ClockOptions())));
        _all = [];
        await foreach (var invoice in _search.AllAsync(InvoiceFilter.All, CancellationToken.None))
        {
            _all.Add(invoice);
        }
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task KeysetPages_OfEverySortAndDirection_AreExactlyTheMatchesInOrder_EachOnce(string name)
    {
        Assert.Equal(ExplorerSeed.Count, _all.Count);
        foreach (var sort in Enum.GetValues<InvoiceSort>())
        {
            foreach (var descending in new[] { true, false })
            {
                var filter = FilterCases[name] with { Sort = sort, Descending = descending };
                var matching = _all.Where(i => filter.Matches(i, Today)).Select(i => i.Id).ToHashSet();
                var expected = (await OrderedIdsAsync(sort, descending)).Where(matching.Contains).ToList();

                var paged = new List<long>();
                long? after = null;
                for (var pages = 0; ; pages++)
                {
                    Assert.True(pages <= ExplorerSeed.Count, "paging ends");
                    var page = await _search.PageAsync(filter, after, PageSize, CancellationToken.None);
                    Assert.NotNull(page);
                    paged.AddRange(page.Select(i => i.Id));
                    if (page.Count < PageSize)
                    {
                        break;
                    }

                    after = page[^1].Id;
                }

                Assert.True(expected.SequenceEqual(paged), $"{name}, {sort} {(descending ? "desc" : "asc")}: expected [{string.Join(",", expected)}], paged [{string.Join(",", paged)}]");
            }
        }
    }

    [Fact]
    public void TheSeed_HasTheTiesTheOrdersMustBreak()
    {
        Assert.True(_all.GroupBy(i => i.TotalAmount).Max(g => g.Count()) >= 10, "equal totals");
        Assert.True(_all.GroupBy(i => i.InvoiceDate).Max(g => g.Count()) >= 5, "equal dates");
        Assert.True(_all.GroupBy(i => i.SellerName).Max(g => g.Count()) >= 20, "the same seller");
        // The filters are not trivial: each selects some rows and not all.
        foreach (var (name, filter) in FilterCases.Where(f => f.Key != "none"))
        {
            var n = _all.Count(i => filter.Matches(i, Today));
            Assert.True(n > 0 && n < _all.Count, $"{name} selects {n} of {_all.Count}");
        }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("seller")]
    [InlineData("buyer")]
    [InlineData("run")]
    [InlineData("text name")]
    [InlineData("text like chars")]
    [InlineData("text number end")]
    [InlineData("text digits")]
    [InlineData("text number or name")]
    [InlineData("text sellers and buyers")]
    [InlineData("from")]
    [InlineData("to")]
    [InlineData("seller+from+max")]
    [InlineData("status open")]
    [InlineData("status overdue")]
    [InlineData("status paid")]
    public async Task Summary_EqualsSqlAggregatesOverTheMatches(string name)
    {
        var filter = FilterCases[name];
        var matches = _all.Where(i => filter.Matches(i, Today)).ToList();

        var summary = await _search.SummaryAsync(filter, CancellationToken.None);

        var ids = string.Join(",", matches.Select(i => i.Id));
        Assert.Equal(await _db.ScalarAsync<long>($"SELECT count(*) FROM invoices WHERE id IN ({ids})"), summary.Count);
        Assert.Equal(await _db.ScalarAsync<decimal>($"SELECT sum(subtotal) FROM invoices WHERE id IN ({ids})"), summary.Subtotal);
        Assert.Equal(await _db.ScalarAsync<decimal>($"SELECT sum(vat_amount) FROM invoices WHERE id IN ({ids})"), summary.Vat);
        Assert.Equal(await _db.ScalarAsync<decimal>($"SELECT sum(total_amount) FROM invoices WHERE id IN ({ids})"), summary.Total);
        Assert.Equal(matches.Max(i => i.Id), summary.LastInvoiceId);
        // Counting a row the summary already holds changes nothing.
        Assert.Equal(summary, summary.With(matches[^1]));
    }

    [Theory]
    [InlineData("zz-9", 0)] // in no number and no name
    [InlineData("inv0", 0)] // looks like a number, is none
    [InlineData("Nv-", ExplorerSeed.Count)] // a piece of every number
    public async Task TextThatNoNumberOrNameCanHold_FindsNothing_AndAPieceOfThePrefix_FindsEverything(string text, int expected)
    {
        var filter = new InvoiceFilter { Text = text };
        Assert.Equal(expected, _all.Count(i => filter.Matches(i, Today)));
        Assert.Equal(expected, (await _search.PageAsync(filter, null, InvoiceSearch.MaxPageSize, CancellationToken.None))!.Count);
        Assert.Equal(expected, (await _search.SummaryAsync(filter, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task APageAfterAnUnknownInvoice_IsNull()
    {
        Assert.Null(await _search.PageAsync(new InvoiceFilter { Sort = InvoiceSort.Total }, ExplorerSeed.Count + 1, PageSize, CancellationToken.None));
        Assert.Null(await _search.PageAsync(InvoiceFilter.All, 0, PageSize, CancellationToken.None));
    }

    // Every invoice in the sort's order, by PostgreSQL (its collation decides the name order), ties broken by id.
    private async Task<List<long>> OrderedIdsAsync(InvoiceSort sort, bool descending)
    {
        var column = sort switch
        {
            InvoiceSort.Number => "id",
            InvoiceSort.Date => "invoice_date",
            InvoiceSort.Seller => "seller_name",
            InvoiceSort.Buyer => "buyer_name",
            InvoiceSort.Subtotal => "subtotal",
            InvoiceSort.Vat => "vat_amount",
            InvoiceSort.Total => "total_amount",
            _ => throw new ArgumentOutOfRangeException(nameof(sort)),
        };
        var dir = descending ? "DESC" : "ASC";
        var ids = await _db.ScalarAsync<long[]>($"SELECT array_agg(id ORDER BY {column} {dir}, id {dir}) FROM invoices");
        return [.. ids];
    }
}
