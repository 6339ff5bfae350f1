using System.Globalization;

namespace InvoiceMvc.Domain.Invoices;

/// <summary>
/// Which invoice numbers contain a piece of text (case-insensitive), worked out from the one shape
/// every number has, "INV-" and the id (<see cref="InvoiceNumber.Format"/>), so that a search answers
/// from the primary key where it can:
/// text that cannot occur in a number matches <see cref="None"/>; a piece of "INV-" matches
/// <see cref="Every"/> number; "INV-0042", "-0042" or "V-0042" pin the start of the digits, which is a
/// few id ranges (<see cref="IdRanges"/>); digits alone can sit anywhere in a number and need the
/// pattern (<see cref="Pattern"/>).
/// </summary>
public abstract record NumberSearch
{
    private NumberSearch()
    {
    }

    /// <summary>The largest number of digits an id (a bigint) is searched for.</summary>
    private const int MaxDigits = 18;

    private const int Width = 7;

    /// <summary>Branches on every case (a closed hierarchy, as in GenerationResults: a new case breaks each caller).</summary>
    public abstract T Match<T>(Func<T> none, Func<T> every, Func<T> pattern, Func<IdRanges, T> idRanges);

    public sealed record None : NumberSearch
    {
        public override T Match<T>(Func<T> none, Func<T> every, Func<T> pattern, Func<IdRanges, T> idRanges) => none();
    }

    public sealed record Every : NumberSearch
    {
        public override T Match<T>(Func<T> none, Func<T> every, Func<T> pattern, Func<IdRanges, T> idRanges) => every();
    }

    public sealed record Pattern : NumberSearch
    {
        public override T Match<T>(Func<T> none, Func<T> every, Func<T> pattern, Func<IdRanges, T> idRanges) => pattern();
    }

    /// <summary>Inclusive, disjoint, ascending id ranges.</summary>
    public sealed record IdRanges(IReadOnlyList<(long From, long To)> Ranges) : NumberSearch
    {
        public override T Match<T>(Func<T> none, Func<T> every, Func<T> pattern, Func<IdRanges, T> idRanges) => idRanges(this);
    }

    public static NumberSearch For(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        var upper = text.ToUpperInvariant();
        if (InvoiceNumber.Prefix.Contains(upper, StringComparison.Ordinal))
        {
            return new Every();
        }

        if (upper.All(char.IsAsciiDigit))
        {
            return new Pattern();
        }

        // Starts inside the prefix and runs on into the digits: a suffix of "INV-" (so it ends with the dash), then digits.
        var dash = upper.IndexOf('-', StringComparison.Ordinal);
        var digits = dash < 0 ? "" : upper[(dash + 1)..];
        if (dash < 0 || !InvoiceNumber.Prefix.EndsWith(upper[..(dash + 1)], StringComparison.Ordinal)
            || digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return new None();
        }

        return digits.Length > MaxDigits ? new None() : Starting(digits);
    }

    /// <summary>
    /// The ids whose written digits start with <paramref name="digits"/>: for each length a number can
    /// have (7 digits, zero-padded, below 10,000,000; its own length above), the ids of that length in
    /// [d x 10^(L-k), (d+1) x 10^(L-k) - 1].
    /// </summary>
    private static IdRanges Starting(string digits)
    {
        var d = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        var k = digits.Length;
        var ranges = new List<(long, long)>();
        for (var length = Math.Max(k, Width); length <= MaxDigits; length++)
        {
            var scale = Pow10(length - k);
            var (lowest, highest) = length == Width ? (1L, Pow10(Width) - 1) : (Pow10(length - 1), Pow10(length) - 1);
            var from = Math.Max(d * scale, lowest);
            var to = Math.Min(((d + 1) * scale) - 1, highest);
            if (from <= to)
            {
                ranges.Add((from, to));
            }
        }

        return new IdRanges(ranges);
    }

    private static long Pow10(int exponent)
    {
        var value = 1L;
        for (var i = 0; i < exponent; i++)
        {
            value *= 10;
        }

        return value;
    }
}
