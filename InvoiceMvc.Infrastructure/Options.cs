using System.ComponentModel.DataAnnotations;

namespace InvoiceMvc.Infrastructure;

public sealed class GenerationOptions
{
    public const string SectionName = "Generation";

    [Range(1, 1000, ErrorMessage = "Generation:RatePerSecond must be between 1 and 1000.")]
    public int RatePerSecond { get; set; } = 5;

    [Range(1, 86_400, ErrorMessage = "Generation:DurationSeconds must be between 1 and 86400.")]
    public int DurationSeconds { get; set; } = 300;

    /// <summary>Sellers of the marketplace: invoices draw theirs from this many, made once from a fixed seed.</summary>
    [Range(1, 10_000, ErrorMessage = "Generation:SellerCount must be between 1 and 10000.")]
    public int SellerCount { get; set; } = 40;

    /// <summary>Buyers of the marketplace: invoices draw theirs from this many, made once from a fixed seed.</summary>
    [Range(1, 100_000, ErrorMessage = "Generation:BuyerCount must be between 1 and 100000.")]
    public int BuyerCount { get; set; } = 2_000;

    /// <summary>
    /// Runs each run's tick thread under Linux's real-time FIFO policy (it needs root or CAP_SYS_NICE;
    /// without, the run goes on at normal priority and says so in the log). Off by default; the run
    /// command's generator process turns it on (docs/decisions/020-generation-thread.md).
    /// </summary>
    public bool RealtimeTicks { get; set; }

    /// <summary>Invoices in one full run: rate x duration (1,500 by default).</summary>
    public int Target => checked(RatePerSecond * DurationSeconds);
}

public sealed class InvoicingOptions
{
    public const string SectionName = "Invoicing";

    // Above zero: every invoice must carry positive VAT (a CHECK constraint says so too); at 0.001
    // the smallest generated subtotal (5.00) still gets 0.01.
    [Range(typeof(decimal), "0.001", "1", ErrorMessage = "Invoicing:VatRate must be between 0.001 and 1.")]
    public decimal VatRate { get; set; } = 0.15m;

    /// <summary>Days from the issue date (the invoice's UTC day) to the due date.</summary>
    [Range(1, 365, ErrorMessage = "Invoicing:PaymentTermsDays must be between 1 and 365.")]
    public int PaymentTermsDays { get; set; } = 30;
}

public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>Prefix of every Redis key, so several deployments (or test fixtures) can share one server.</summary>
    [Required(ErrorMessage = "Cache:KeyPrefix is required.")]
    [RegularExpression("^[A-Za-z0-9:_-]{1,64}$", ErrorMessage = "Cache:KeyPrefix must be 1-64 letters, digits, ':', '_' or '-'.")]
    public string KeyPrefix { get; set; } = "invoicemvc:";
}

public sealed class ClockOptions
{
    public const string SectionName = "Clock";

    /// <summary>
    /// Days added to "today" for due dates, statuses and aging (<see cref="Lifecycle.LifecycleClock"/>).
    /// Outside Production only: start-up fails in Production unless it is 0.
    /// </summary>
    [Range(-3650, 3650, ErrorMessage = "Clock:ShiftDays must be between -3650 and 3650.")]
    public int ShiftDays { get; set; }
}

public sealed class RemindersOptions
{
    public const string SectionName = "Reminders";

    /// <summary>When the reminders job runs (Hangfire's cron, UTC); daily at 08:00 by default.</summary>
    [Required(ErrorMessage = "Reminders:Cron is required, e.g. \"0 8 * * *\".")]
    public string Cron { get; set; } = "0 8 * * *";

    /// <summary>An overdue invoice is reminded again once this many days have passed since its last reminder.</summary>
    [Range(1, 365, ErrorMessage = "Reminders:IntervalDays must be between 1 and 365.")]
    public int IntervalDays { get; set; } = 7;
}

public sealed class SimulationOptions
{
    public const string SectionName = "Simulation";

    /// <summary>Payments the demo's simulator records per second (0 = off, the default); see Lifecycle.PaymentSimulatorJob.</summary>
    [Range(0, 50, ErrorMessage = "Simulation:PaymentsPerSecond must be between 0 (off) and 50.")]
    public int PaymentsPerSecond { get; set; }
}
