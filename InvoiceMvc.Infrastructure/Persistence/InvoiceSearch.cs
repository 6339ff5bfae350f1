using System.Runtime.CompilerServices;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Lifecycle;
using Npgsql;
using NpgsqlTypes;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// The read side of the invoices table for every list: a filter (<see cref="InvoiceFilter"/>, whose
/// Matches this SQL restates), keyset pages on (sort key, id) for every sort, never OFFSET, the count
/// and sums of the whole filtered set, and the whole set streamed for an export. Each sort key has a
/// (key, id) index; the text search resolves names through the small parties table and numbers
/// through a trigram index; a status is one of the partial indexes of the Lifecycle statuses migration
/// on <see cref="LifecycleClock.Today"/>. Plain SQL: the WHERE is assembled from fixed fragments, values are
/// always parameters.
/// </summary>
public sealed class InvoiceSearch(NpgsqlDataSource dataSource, LifecycleClock calendar)
{
    public const int MaxPageSize = 200;

    private const string Columns = """
        i.id, i.invoice_number, i.run_id, i.sequence, i.invoice_date, i.seller_id, i.buyer_id, i.seller_name,
        i.buyer_name, i.subtotal, i.vat_rate, i.vat_amount, i.total_amount, i.created_at,
        i.due_date, i.paid_amount, i.voided_at, i.voided_by, i.void_reason
        """;

    /// <summary>
    /// A page of <paramref name="size"/> in the filter's order, after the invoice <paramref name="after"/>
    /// (the last one the reader has; null = from the start). Null when that invoice does not exist.
    /// </summary>
    public async Task<IReadOnlyList<Invoice>?> PageAsync(InvoiceFilter filter, long? after, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var cmd = dataSource.CreateCommand();
        var (where, anyOf) = Where(filter, await TextPartiesAsync(filter, cancellationToken), calendar.Today, cmd);
        var key = SortColumn(filter.Sort);
        if (after is { } afterId)
        {
            if (!await ExistsAsync(afterId, cancellationToken))
            {
                return null;
            }

            // A row comparison walks the (key, id) index from the reader's last row on.
            var op = filter.Descending ? "<" : ">";
            where.Add(filter.Sort == InvoiceSort.Number
                ? $"i.id {op} @after"
                : $"(i.{key}, i.id) {op} ((SELECT {key} FROM invoices WHERE id = @after), @after)");
            cmd.Parameters.AddWithValue("after", afterId);
        }

        // A text that matches in several ways (number ranges, parties) is the union of each way's own first
        // page, each planned on its own index, then ordered once: the page of an OR is among the pages of
        // its parts. As one OR the planner could only merge bitmaps of every match and sort them.
        cmd.CommandText = anyOf is { Count: > 1 }
            ? $"SELECT * FROM ({string.Join(" UNION ", anyOf.Select(part => $"(SELECT {Columns} FROM invoices i {WhereClause([.. where, part])} {OrderBy(filter)} LIMIT @size)"))}) i {OrderBy(filter)} LIMIT @size"
            : $"SELECT {Columns} FROM invoices i {WhereClause(All(where, anyOf))} {OrderBy(filter)} LIMIT @size";
        cmd.Parameters.AddWithValue("size", Math.Clamp(size, 1, MaxPageSize));
        var invoices = new List<Invoice>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            invoices.Add(Read(r));
        }

        return invoices;
    }

    /// <summary>Every invoice the filter selects, in its order, read as it is written out (constant memory).</summary>
    public async IAsyncEnumerable<Invoice> AllAsync(InvoiceFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var cmd = dataSource.CreateCommand();
        var (where, anyOf) = Where(filter, await TextPartiesAsync(filter, cancellationToken), calendar.Today, cmd);
        cmd.CommandText = $"SELECT {Columns} FROM invoices i {WhereClause(All(where, anyOf))} {OrderBy(filter)}";
        // Npgsql hands rows over as they arrive; nothing is buffered beyond its read buffer.
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            yield return Read(r);
        }
    }

    /// <summary>
    /// The count and sums of everything the filter selects. No filter, one seller, one buyer or one
    /// run alone are single-row reads of the rollups the database keeps with each invoice; anything
    /// else is one aggregate over the filter's rows.
    /// </summary>
    public async Task<InvoiceSummary> SummaryAsync(InvoiceFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var cmd = dataSource.CreateCommand();
        var only = filter with { Sort = InvoiceSort.Number, Descending = true };
        if (only.SelectsAll)
        {
            cmd.CommandText = "SELECT invoice_count, total_amount - vat_amount, vat_amount, total_amount, last_invoice_id FROM invoice_stats WHERE id = 1";
        }
        else if (only == InvoiceFilter.All with { Seller = filter.Seller } || only == InvoiceFilter.All with { Buyer = filter.Buyer })
        {
            var (kind, name) = filter.Seller is { } seller ? (PartyKind.Seller, seller) : (PartyKind.Buyer, filter.Buyer!);
            cmd.CommandText = """
                SELECT t.invoice_count, t.subtotal, t.vat_amount, t.total_amount, t.last_invoice_id
                  FROM parties p JOIN party_totals t ON t.party_id = p.id
                 WHERE p.kind = @kind AND p.name = @name
                """;
            cmd.Parameters.AddWithValue("kind", (short)kind);
            cmd.Parameters.AddWithValue("name", name);
        }
        else if (only == InvoiceFilter.All with { RunId = filter.RunId })
        {
            cmd.CommandText = """
                SELECT r.produced::bigint, r.subtotal, r.vat_amount, r.total_amount,
                       coalesce((SELECT max(id) FROM invoices WHERE run_id = r.id), 0)
                  FROM generation_runs r WHERE r.id = @run
                """;
            cmd.Parameters.AddWithValue("run", filter.RunId!.Value);
        }
        else
        {
            var (where, anyOf) = Where(filter, await TextPartiesAsync(filter, cancellationToken), calendar.Today, cmd);
            cmd.CommandText = $"""
                SELECT count(*), coalesce(sum(i.subtotal), 0), coalesce(sum(i.vat_amount), 0), coalesce(sum(i.total_amount), 0), coalesce(max(i.id), 0)
                  FROM invoices i {WhereClause(All(where, anyOf))}
                """;
        }

        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken)
            ? new InvoiceSummary(r.GetInt64(0), r.GetDecimal(1), r.GetDecimal(2), r.GetDecimal(3), r.GetInt64(4))
            : InvoiceSummary.None;
    }

    public async Task<Invoice?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand($"SELECT {Columns} FROM invoices i WHERE i.id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        return await r.ReadAsync(cancellationToken) ? Read(r) : null;
    }

    private async Task<bool> ExistsAsync(long id, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM invoices WHERE id = @id)");
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// The sellers and buyers whose names contain the filter's text, looked up first in the small
    /// parties table: as arrays in the invoice query the planner knows how many invoices they select
    /// (a subquery there looked like "most rows" and sent a rare name's search backwards through the
    /// whole primary key: seconds at 10 million invoices).
    /// </summary>
    private async Task<(long[] Sellers, long[] Buyers)> TextPartiesAsync(InvoiceFilter f, CancellationToken cancellationToken)
    {
        if (f.Text is not { } text)
        {
            return ([], []);
        }

        await using var cmd = dataSource.CreateCommand("SELECT id, kind FROM parties WHERE name ILIKE @text");
        cmd.Parameters.AddWithValue("text", NpgsqlDbType.Text, Like.Contains(text));
        var sellers = new List<long>();
        var buyers = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            ((PartyKind)r.GetInt16(1) == PartyKind.Seller ? sellers : buyers).Add(r.GetInt64(0));
        }

        return ([.. sellers], [.. buyers]);
    }

    /// <summary>
    /// The filter's conditions: <c>All</c> must hold, and one of <c>AnyOf</c> (the text's ways to match;
    /// null when the text asks nothing, empty when nothing can hold it).
    /// </summary>
    private static (List<string> All, List<string>? AnyOf) Where(InvoiceFilter f, (long[] Sellers, long[] Buyers) textParties, DateOnly today, NpgsqlCommand cmd)
    {
        var where = new List<string>();
        var anyOf = f.Text is { } text ? TextParts(text, textParties, cmd) : null;

        if (f.Seller is { } seller)
        {
            where.Add("i.seller_id = (SELECT id FROM parties WHERE kind = 1 AND name = @seller)");
            cmd.Parameters.AddWithValue("seller", NpgsqlDbType.Text, seller);
        }

        if (f.Buyer is { } buyer)
        {
            where.Add("i.buyer_id = (SELECT id FROM parties WHERE kind = 2 AND name = @buyer)");
            cmd.Parameters.AddWithValue("buyer", NpgsqlDbType.Text, buyer);
        }

        // Inclusive UTC days: from the first day's midnight to (not including) the midnight after the last.
        if (f.From is { } from)
        {
            where.Add("i.invoice_date >= @from");
            cmd.Parameters.AddWithValue("from", new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }

        if (f.To is { } to)
        {
            where.Add("i.invoice_date < @to");
            cmd.Parameters.AddWithValue("to", new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        }

        if (f.MinTotal is { } min)
        {
            where.Add("i.total_amount >= @min");
            cmd.Parameters.AddWithValue("min", min);
        }

        if (f.MaxTotal is { } max)
        {
            where.Add("i.total_amount <= @max");
            cmd.Parameters.AddWithValue("max", max);
        }

        if (f.RunId is { } run)
        {
            where.Add("i.run_id = @run");
            cmd.Parameters.AddWithValue("run", run);
        }

        if (f.Status is { } status)
        {
            where.Add(StatusCondition(status));
            if (status is not (InvoiceStatus.Paid or InvoiceStatus.Void))
            {
                cmd.Parameters.AddWithValue("today", today);
            }
        }

        return (where, anyOf);
    }

    /// <summary>
    /// <see cref="InvoiceStanding.Of"/> as SQL. Each condition contains the predicate of its partial index
    /// word for word (PostgreSQL matches them as written): void and paid on id, the unpaid ones on
    /// (due_date, id) for overdue and by id for partially paid; open, most of the invoices, walks the
    /// primary key.
    /// </summary>
    private static string StatusCondition(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Void => "i.voided_at IS NOT NULL",
        InvoiceStatus.Paid => "(i.voided_at IS NULL AND i.paid_amount = i.total_amount)",
        InvoiceStatus.Overdue => "(i.voided_at IS NULL AND i.paid_amount < i.total_amount AND i.due_date < @today)",
        InvoiceStatus.PartiallyPaid => "(i.voided_at IS NULL AND i.paid_amount < i.total_amount AND i.paid_amount > 0 AND i.due_date >= @today)",
        InvoiceStatus.Open => "(i.voided_at IS NULL AND i.paid_amount < i.total_amount AND i.paid_amount = 0 AND i.due_date >= @today)",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not an invoice status."),
    };

    private static List<string> All(List<string> where, List<string>? anyOf) => anyOf switch
    {
        null => where,
        [] => [.. where, "FALSE"],
        _ => [.. where, "(" + string.Join(" OR ", anyOf) + ")"],
    };

    /// <summary>
    /// The text's "contains" over number, seller and buyer as only the parts that can match: the number
    /// through <see cref="NumberSearch"/> (an id range on the primary key for each length "INV-0042" can
    /// have, the trigram index for digits alone, nothing for a name), each party kind as one id or a list.
    /// Null when every invoice matches.
    /// </summary>
    private static List<string>? TextParts(string text, (long[] Sellers, long[] Buyers) parties, NpgsqlCommand cmd)
    {
        var number = NumberSearch.For(text).Match<List<string>?>(
            none: () => [],
            every: () => null,
            pattern: () =>
            {
                cmd.Parameters.AddWithValue("text", NpgsqlDbType.Text, Like.Contains(text));
                return ["i.invoice_number ILIKE @text"];
            },
            idRanges: r => r.Ranges.Select((range, n) =>
            {
                cmd.Parameters.AddWithValue($"numberFrom{n}", range.From);
                cmd.Parameters.AddWithValue($"numberTo{n}", range.To);
                return $"i.id BETWEEN @numberFrom{n} AND @numberTo{n}";
            }).ToList());
        if (number is not { } any)
        {
            return null;
        }

        AddParties(any, "seller_id", "textSellers", parties.Sellers, cmd);
        AddParties(any, "buyer_id", "textBuyers", parties.Buyers, cmd);
        return any;
    }

    /// <summary>One id as an equality, so the planner can walk its (party, id) index in order; several as a list.</summary>
    private static void AddParties(List<string> any, string column, string name, long[] ids, NpgsqlCommand cmd)
    {
        if (ids.Length == 0)
        {
            return;
        }

        any.Add(ids.Length == 1 ? $"i.{column} = @{name}" : $"i.{column} = ANY(@{name})");
        cmd.Parameters.AddWithValue(name, ids.Length == 1 ? ids[0] : ids);
    }

    private static string WhereClause(List<string> where) => where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);

    private static string OrderBy(InvoiceFilter f)
    {
        var dir = f.Descending ? "DESC" : "ASC";
        return f.Sort == InvoiceSort.Number ? $"ORDER BY i.id {dir}" : $"ORDER BY i.{SortColumn(f.Sort)} {dir}, i.id {dir}";
    }

    private static string SortColumn(InvoiceSort sort) => sort switch
    {
        InvoiceSort.Number => "id",
        InvoiceSort.Date => "invoice_date",
        InvoiceSort.Seller => "seller_name",
        InvoiceSort.Buyer => "buyer_name",
        InvoiceSort.Subtotal => "subtotal",
        InvoiceSort.Vat => "vat_amount",
        InvoiceSort.Total => "total_amount",
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Not a sort key."),
    };

    private static Invoice Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        InvoiceNumber = r.GetString(1),
        RunId = r.GetInt64(2),
        Sequence = r.GetInt32(3),
        InvoiceDate = r.GetFieldValue<DateTimeOffset>(4),
        SellerId = r.GetInt64(5),
        BuyerId = r.GetInt64(6),
        SellerName = r.GetString(7),
        BuyerName = r.GetString(8),
        Subtotal = r.GetDecimal(9),
        VatRate = r.GetDecimal(10),
        VatAmount = r.GetDecimal(11),
        TotalAmount = r.GetDecimal(12),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(13),
        DueDate = r.GetFieldValue<DateOnly>(14),
        PaidAmount = r.GetDecimal(15),
        VoidedAt = r.IsDBNull(16) ? null : r.GetFieldValue<DateTimeOffset>(16),
        VoidedBy = r.IsDBNull(17) ? null : r.GetString(17),
        VoidReason = r.IsDBNull(18) ? null : r.GetString(18),
    };
}
