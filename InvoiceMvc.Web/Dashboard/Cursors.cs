using System.Globalization;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Persistence;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Reads the invoice-id cursors browsers send (after, Last-Event-ID, before) and page sizes. Anything
/// tampered with (not a number, negative, beyond the newest invoice) gets a message for a 400, never
/// an exception. "Beyond the newest" is checked against PostgreSQL when this server's view lags, so a
/// browser moving from one instance to another is never refused an id it really saw. Reads only:
/// the hub has one publisher, the event listener.
/// </summary>
public sealed class Cursors(LiveStateHub hub, GenerationRunStore store)
{
    // The database's live state, read once for all the requests that need it at the same moment.
    private readonly SharedRead<LiveState> _database = new(() => store.ReadLiveStateAsync(CancellationToken.None));

    // The listener's first read normally lands milliseconds after start-up; past this the database is
    // asked directly (and an unreachable one fails this request, not all the next ones).
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(2);

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>The stream's starting cursor: Last-Event-ID wins over ?after=; neither = from the newest invoice now.</summary>
    public async Task<Parsed<long>> StreamStartAsync(string? lastEventId, string? after, CancellationToken cancellationToken)
    {
        var (name, raw) = !string.IsNullOrWhiteSpace(lastEventId) ? ("Last-Event-ID", lastEventId) : ("after", after);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return Parsed.Ok<long>((await CurrentAsync(cancellationToken)).Stats.LastInvoiceId);
        }

        if (!TryParseId(raw, out var id))
        {
            return Parsed.Bad<long>($"{name} must be an invoice id: a whole number from 0 up.");
        }

        var newest = await NewestAsync(id, cancellationToken);
        return id <= newest
            ? Parsed.Ok<long>(id)
            : Parsed.Bad<long>($"{name}={id} is beyond the newest invoice ({newest}).");
    }

    /// <summary>Keyset paging: rows strictly older than before (1 up to the newest + 1); missing = from the newest.</summary>
    public async Task<Parsed<long?>> BeforeAsync(string? before, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(before))
        {
            return Parsed.Ok<long?>(null);
        }

        if (!TryParseId(before, out var id) || id < 1)
        {
            return Parsed.Bad<long?>("before must be an invoice id: a whole number from 1 up.");
        }

        var newest = await NewestAsync(id - 1, cancellationToken);
        return id - 1 <= newest
            ? Parsed.Ok<long?>(id)
            : Parsed.Bad<long?>($"before={id} is beyond the newest invoice ({newest}).");
    }

    public static Parsed<int> PageSize(string? size)
    {
        if (string.IsNullOrWhiteSpace(size))
        {
            return Parsed.Ok<int>(DefaultPageSize);
        }

        return int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPageSize
            ? Parsed.Ok<int>(n)
            : Parsed.Bad<int>($"size must be a whole number from 1 to {MaxPageSize}.");
    }

    /// <summary>
    /// This server's live state. Right after start-up it waits for the listener's first state, so a
    /// stream started now begins from the truth, not from an empty hub. While the listener has lost
    /// PostgreSQL the hub's state is stale: the database is asked, and its failure answers 503.
    /// </summary>
    public async Task<LiveState> CurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            await hub.Ready.WaitAsync(ReadyTimeout, cancellationToken);
            return hub.DatabaseReachable ? hub.Current : await _database.GetAsync(cancellationToken);
        }
        catch (TimeoutException)
        {
            return await _database.GetAsync(cancellationToken);
        }
    }

    // Digits only: no sign, no spaces, no exponent, no thousands separators.
    private static bool TryParseId(string raw, out long id) =>
        long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private async Task<long> NewestAsync(long wanted, CancellationToken cancellationToken)
    {
        var newest = (await CurrentAsync(cancellationToken)).Stats.LastInvoiceId;
        if (wanted <= newest)
        {
            return newest;
        }

        // This server may not have heard of the newest commits yet: ask the truth (its own NOTIFY
        // reaches the hub through the listener a moment later). A shared read may have begun before
        // the commit this browser saw; only a read of its own may refuse the id.
        var shared = (await _database.GetAsync(cancellationToken)).Stats.LastInvoiceId;
        return wanted <= shared ? shared : (await store.ReadLiveStateAsync(cancellationToken)).Stats.LastInvoiceId;
    }
}
