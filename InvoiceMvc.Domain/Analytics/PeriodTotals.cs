namespace InvoiceMvc.Domain.Analytics;

/// <summary>Count and sums of the invoices of one period or one bucket.</summary>
public readonly record struct PeriodTotals(long Count, decimal Subtotal, decimal Vat, decimal Total)
{
    public static readonly PeriodTotals Zero = new(0, 0m, 0m, 0m);

    /// <summary>Mean invoice total, rounded to cents half away from zero (as the dashboard's average); 0 without invoices.</summary>
    public decimal Average => Count == 0 ? 0m : Math.Round(Total / Count, 2, MidpointRounding.AwayFromZero);

    public PeriodTotals Add(PeriodTotals other) =>
        new(Count + other.Count, Subtotal + other.Subtotal, Vat + other.Vat, Total + other.Total);
}

/// <summary>One bucket of a trend: its UTC start and its invoices' count and sums.</summary>
public readonly record struct SeriesPoint(DateTimeOffset Start, PeriodTotals Totals);
