using System.Globalization;
using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Domain.Lifecycle;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Models;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Turns domain values into what the dashboard shows, in the configured culture and currency and
/// never in the thread's culture, so every server and every viewer renders the same text.
/// </summary>
public sealed class DashboardFormatter
{
    private readonly CultureInfo _culture;
    private readonly string _datePattern;
    private readonly LifecycleClock _calendar;

    /// <summary>The display culture (with the configured currency symbol), for views that format their own dates.</summary>
    public CultureInfo Culture => _culture;

    public DashboardFormatter(IOptions<DisplayOptions> options, LifecycleClock calendar)
    {
        ArgumentNullException.ThrowIfNull(options);
        _calendar = calendar ?? throw new ArgumentNullException(nameof(calendar));
        var o = options.Value;
        DisplayOptionsValidator.TryGetCulture(o.Culture, out var culture);
        var custom = (CultureInfo)culture.Clone();
        if (!string.IsNullOrEmpty(o.Currency) && CurrencySymbols.Find(o.Currency, culture) is { } symbol)
        {
            custom.NumberFormat.CurrencySymbol = symbol;
        }

        _culture = CultureInfo.ReadOnly(custom);
        _datePattern = _culture.DateTimeFormat.ShortDatePattern + " HH:mm:ss";
    }

    /// <summary>
    /// What every open dashboard shows while this server's event listener cannot reach PostgreSQL:
    /// the last numbers are not the truth any more, and neither button can work.
    /// </summary>
    public static readonly StatusView DatabaseLost = new(DashboardState.DatabaseUnavailable,
        "Connection to the database lost — retrying", "The numbers below may be out of date; they catch up by themselves when it is back.",
        0, 0, CanStart: false, CanStop: false);

    public string Money(decimal amount) => amount.ToString("C2", _culture);

    public string Count(long count) => count.ToString("N0", _culture);

    /// <summary>A rate such as the VAT rate (0.15 shows as 15%), to at most two decimals of a percent.</summary>
    public string Rate(decimal rate) => rate.ToString("0.##%", _culture);

    /// <summary>Invoice times in UTC: the server cannot know each viewer's time zone.</summary>
    public string Date(DateTimeOffset at) => at.UtcDateTime.ToString(_datePattern, _culture);

    /// <summary>A grid row; its status and amount due are the invoice's on <see cref="LifecycleClock.Today"/> (<see cref="Invoice.StandingOn"/>).</summary>
    public InvoiceRowView Row(Invoice invoice, bool isNew = false)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var standing = invoice.StandingOn(_calendar.Today);
        return new(
            invoice.Id,
            invoice.InvoiceNumber,
            invoice.InvoiceDate.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Date(invoice.InvoiceDate),
            invoice.SellerName,
            invoice.BuyerName,
            Money(invoice.Subtotal),
            Money(invoice.VatAmount),
            Money(invoice.TotalAmount),
            isNew)
        {
            AmountDue = Money(standing.Balance),
            Status = InvoiceStanding.Label(standing.Status),
            StatusKey = InvoiceLifecyclePages.StatusKey(standing.Status),
        };
    }

    /// <summary>The explorer's count and sums of a filtered set, with the invariant values for machines.</summary>
    public SummaryView Summary(InvoiceSummary s) => new(s.LastInvoiceId,
    [
        new("Matches", Count(s.Count), s.Count.ToString(CultureInfo.InvariantCulture)),
        new("Subtotal", Money(s.Subtotal), s.Subtotal.ToString(CultureInfo.InvariantCulture)),
        new("VAT", Money(s.Vat), s.Vat.ToString(CultureInfo.InvariantCulture)),
        new("Total", Money(s.Total), s.Total.ToString(CultureInfo.InvariantCulture)),
    ]);

    public StatCardsView Cards(InvoiceStats stats) => new(stats.LastInvoiceId,
    [
        new("Total invoices", Count(stats.Count), stats.Count.ToString(CultureInfo.InvariantCulture)),
        new("Total amount", Money(stats.TotalAmount), stats.TotalAmount.ToString(CultureInfo.InvariantCulture)),
        new("Total VAT", Money(stats.TotalVat), stats.TotalVat.ToString(CultureInfo.InvariantCulture)),
        new("Average invoice", Money(stats.Average), stats.Average.ToString(CultureInfo.InvariantCulture)),
    ]);

    /// <summary>
    /// The status one viewer sees: the run's state while it runs, else this viewer's own backlog
    /// (<paramref name="waiting"/> invoices after its cursor), else Idle.
    /// </summary>
    public StatusView Status(RunSnapshot? run, long waiting) => StateOf(run, waiting) switch
    {
        DashboardState.Running => new StatusView(DashboardState.Running, "Running",
            string.Create(_culture, $"{Count(run!.Produced)} of {Count(run.Target)} invoices · {TimeLeft(run.Remaining)} left"),
            run.Produced, run.Target, CanStart: false, CanStop: true),
        DashboardState.ProcessingBacklog => new StatusView(DashboardState.ProcessingBacklog, $"Processing backlog ({Count(waiting)} waiting)",
            LastRun(run), 0, 0, CanStart: true, CanStop: false),
        _ => new StatusView(DashboardState.Idle, "Idle", LastRun(run), 0, 0, CanStart: true, CanStop: false),
    };

    /// <summary>
    /// The state <see cref="Status"/> shows (and so its buttons), without formatting it: a stream asks this on every
    /// row to tell a change of state, which goes out at once, from a change of counts, which waits.
    /// </summary>
    public static DashboardState StateOf(RunSnapshot? run, long waiting) =>
        run is { IsActive: true } ? DashboardState.Running : waiting > 0 ? DashboardState.ProcessingBacklog : DashboardState.Idle;

    private string? LastRun(RunSnapshot? run) => run switch
    {
        null => "Press START to generate invoices",
        { Status: RunStatus.Completed } => $"Last run completed: {Count(run.Produced)} invoices",
        { Status: RunStatus.Stopped } => $"Last run stopped at {Count(run.Produced)} of {Count(run.Target)} invoices",
        { Status: RunStatus.Failed } => $"Last run failed at {Count(run.Produced)} of {Count(run.Target)} invoices",
        _ => null,
    };

    private static string TimeLeft(TimeSpan remaining)
    {
        var seconds = (long)Math.Ceiling(Math.Max(0, remaining.TotalSeconds));
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }
}
