using Bogus;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>The sellers and buyers invoices are drawn from, with their ids in the parties table.</summary>
public sealed record PartyPoolSnapshot(IReadOnlyList<Party> Sellers, IReadOnlyList<Party> Buyers);

/// <summary>
/// The marketplace's parties: Generation:SellerCount company names and Generation:BuyerCount
/// people, made by Bogus from a fixed seed, so every instance and every restart agrees on the same
/// names (a larger count extends the same list). Stored once in the parties table (an existing name
/// is kept) and then held in memory: the generator draws from it without asking the database.
/// </summary>
public sealed class PartyPool(PartyStore store, IOptions<GenerationOptions> options) : IDisposable
{
    public const int Seed = 1500;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private PartyPoolSnapshot? _snapshot;

    public void Dispose() => _gate.Dispose();

    public async Task<PartyPoolSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is null)
            {
                var sellers = await store.EnsureAsync(PartyKind.Seller, Names(PartyKind.Seller, options.Value.SellerCount), cancellationToken);
                var buyers = await store.EnsureAsync(PartyKind.Buyer, Names(PartyKind.Buyer, options.Value.BuyerCount), cancellationToken);
                _snapshot = new PartyPoolSnapshot(sellers, buyers);
            }

            return _snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The first <paramref name="count"/> distinct names of the kind's fixed sequence.</summary>
    public static IReadOnlyList<string> Names(PartyKind kind, int count)
    {
        var faker = new Faker { Random = new Randomizer(Seed + (int)kind) };
        var names = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < count)
        {
            var name = kind == PartyKind.Seller ? faker.Company.CompanyName() : faker.Name.FullName();
            // Bogus repeats itself now and then: the next free "Name (2)", "Name (3)" keeps the list unique.
            for (var n = 2; !seen.Add(name); n++)
            {
                name = $"{name.Split(" (", 2)[0]} ({n})";
            }

            names.Add(name.Length <= 255 ? name : name[..255]);
        }

        return names;
    }
}
