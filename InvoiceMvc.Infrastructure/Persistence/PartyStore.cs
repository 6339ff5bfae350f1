using InvoiceMvc.Domain.Invoices;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>The one home of the parties table: the pool's names stored once, and looked up by name.</summary>
public sealed class PartyStore(NpgsqlDataSource dataSource)
{
    // Insert what is missing (an existing name keeps its id), then read every name's row, in the given order.
    private const string EnsureSql = """
        WITH wanted AS (SELECT name, ord FROM unnest(@names::text[]) WITH ORDINALITY AS w(name, ord)),
        added AS (
            INSERT INTO parties (name, kind)
            SELECT name, @kind FROM wanted ORDER BY ord
            ON CONFLICT (kind, name) DO NOTHING
            RETURNING id, name, kind, created_at)
        SELECT coalesce(a.id, p.id), w.name, coalesce(a.created_at, p.created_at)
          FROM wanted w
          LEFT JOIN added a ON a.name = w.name
          LEFT JOIN parties p ON p.kind = @kind AND p.name = w.name
         ORDER BY w.ord
        """;

    public async Task<IReadOnlyList<Party>> EnsureAsync(PartyKind kind, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        // A name another instance inserted at the same moment is in neither side of this statement's
        // snapshot: the next attempt sees it committed.
        for (var attempt = 1; ; attempt++)
        {
            await using var cmd = dataSource.CreateCommand(EnsureSql);
            cmd.Parameters.AddWithValue("names", names.ToArray());
            cmd.Parameters.AddWithValue("kind", (short)kind);
            var parties = new List<Party>(names.Count);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken) && !r.IsDBNull(0))
            {
                parties.Add(new Party { Id = r.GetInt64(0), Name = r.GetString(1), Kind = kind, CreatedAt = r.GetFieldValue<DateTimeOffset>(2) });
            }

            if (parties.Count == names.Count || attempt == 3)
            {
                return parties.Count == names.Count
                    ? parties
                    : throw new InvalidOperationException($"Could not store the {names.Count} {kind} parties.");
            }
        }
    }

    /// <summary>Names of one kind starting with or containing <paramref name="text"/>, for a pick list (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(PartyKind kind, string? text, int limit, CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT name FROM parties
             WHERE kind = @kind AND (@pattern::text IS NULL OR name ILIKE @pattern)
             ORDER BY name LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("kind", (short)kind);
        cmd.Parameters.AddWithValue("pattern", NpgsqlTypes.NpgsqlDbType.Text, string.IsNullOrEmpty(text) ? DBNull.Value : Like.Contains(text));
        cmd.Parameters.AddWithValue("limit", limit);
        var names = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            names.Add(r.GetString(0));
        }

        return names;
    }
}
