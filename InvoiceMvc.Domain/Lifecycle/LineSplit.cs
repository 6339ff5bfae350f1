namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>One line of an invoice: <see cref="Amount"/> = <see cref="Quantity"/> x <see cref="UnitPrice"/>, exactly.</summary>
public sealed record LineItem(int LineNo, string Description, int Quantity, decimal UnitPrice, decimal Amount);

/// <summary>
/// Splits a subtotal into 1-<see cref="MaxLines"/> lines whose amounts sum EXACTLY to it, with no
/// rounding anywhere: the subtotal's cents are cut into positive parts, and each part gets a quantity
/// (1-<see cref="MaxQuantity"/>) that divides it, so unit price x quantity is the part to the cent.
/// Every random choice comes from <c>next(min, maxExclusive)</c>, so a test can replay a split.
/// </summary>
public static class LineSplit
{
    public const int MaxLines = 5;
    public const int MaxQuantity = 20;

    /// <summary>The smallest subtotal that can be split into <see cref="MaxLines"/> lines of at least 0.01.</summary>
    public const decimal MinSubtotal = 0.05m;

    public static IReadOnlyList<LineItem> Split(decimal subtotal, Random random, Func<int, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Split(subtotal, random.Next, describe);
    }

    /// <param name="subtotal">At least 0.05, at most two decimals, at most int.MaxValue cents.</param>
    /// <param name="next">A random int in [min, maxExclusive).</param>
    /// <param name="describe">The description of line n (1-based); "Item n" when null.</param>
    public static IReadOnlyList<LineItem> Split(decimal subtotal, Func<int, int, int> next, Func<int, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentOutOfRangeException.ThrowIfLessThan(subtotal, MinSubtotal);
        if (decimal.Round(subtotal, 2) != subtotal)
        {
            throw new ArgumentOutOfRangeException(nameof(subtotal), subtotal, "A subtotal has at most two decimals.");
        }

        var totalCents = subtotal * 100m;
        if (totalCents > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(subtotal), subtotal, "Subtotal too large to split.");
        }

        var cents = (int)totalCents;
        var count = Pick(next, 1, MaxLines + 1);
        var parts = Cut(cents, count, next);
        var lines = new LineItem[count];
        for (var i = 0; i < count; i++)
        {
            var part = parts[i];
            var divisors = Enumerable.Range(1, MaxQuantity).Where(q => part % q == 0).ToArray();
            var quantity = divisors[Pick(next, 0, divisors.Length)];
            var unitPrice = part / quantity / 100m;
            lines[i] = new LineItem(i + 1, describe?.Invoke(i + 1) ?? $"Item {i + 1}", quantity, unitPrice, quantity * unitPrice);
        }

        return lines;
    }

    // `count` positive parts of `cents`: count-1 distinct cut points among 1..cents-1, drawn without
    // replacement (the r-th point not yet taken), so the draw always ends whatever `next` returns.
    private static int[] Cut(int cents, int count, Func<int, int, int> next)
    {
        var cuts = new List<int>(count - 1);
        for (var k = 0; k < count - 1; k++)
        {
            var point = Pick(next, 0, cents - 1 - k) + 1;
            foreach (var taken in cuts)
            {
                if (taken <= point)
                {
                    point++;
                }
            }

            cuts.Add(point);
            cuts.Sort();
        }

        var parts = new int[count];
        var previous = 0;
        for (var i = 0; i < count - 1; i++)
        {
            parts[i] = cuts[i] - previous;
            previous = cuts[i];
        }

        parts[count - 1] = cents - previous;
        return parts;
    }

    private static int Pick(Func<int, int, int> next, int min, int maxExclusive)
    {
        var value = next(min, maxExclusive);
        if (value < min || value >= maxExclusive)
        {
            throw new InvalidOperationException($"next({min}, {maxExclusive}) returned {value}, outside its range.");
        }

        return value;
    }
}
