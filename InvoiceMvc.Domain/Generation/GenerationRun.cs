namespace InvoiceMvc.Domain.Generation;

/// <summary>One press of START: a target number of invoices produced at a fixed rate.</summary>
public sealed class GenerationRun
{
    public long Id { get; init; }
    public RunStatus Status { get; set; }
    public int RatePerSecond { get; init; }
    public int Target { get; init; }
    public int Produced { get; set; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? JobId { get; set; }
    public DateTimeOffset? LastTickAt { get; set; }

    /// <summary>Sums over the run's invoices so far (the database keeps them with each invoice).</summary>
    public decimal Subtotal { get; init; }

    public decimal VatAmount { get; init; }

    public decimal TotalAmount { get; init; }

    public bool IsActive => Status == RunStatus.Running;

    /// <summary>Fraction done, 0..1.</summary>
    public double Progress => Target == 0 ? 1 : Math.Clamp((double)Produced / Target, 0, 1);

    /// <summary>Time the remaining invoices need at the run's rate.</summary>
    public TimeSpan Remaining => GenerationSchedule.Duration(Target - Produced, RatePerSecond);
}
