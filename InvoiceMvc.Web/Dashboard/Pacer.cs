using InvoiceMvc.Domain.Generation;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Drift-free pacing of one stream: row n after the anchor is due at anchor + n / rate, the same
/// maths as <see cref="GenerationSchedule"/>. Idle time earns no credit (the anchor moves up when
/// there was nothing to send), and a stall of more than one interval re-anchors instead of
/// bursting, so a viewer never gets more than the rate.
/// </summary>
internal sealed class Pacer(int ratePerSecond)
{
    private readonly TimeSpan _interval = GenerationSchedule.Duration(1, ratePerSecond);
    private DateTimeOffset _anchor = DateTimeOffset.MinValue;
    private long _sent;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private bool _idle = true;

    /// <summary>When the next row may go out, seen at <paramref name="now"/> (it may re-anchor the schedule).</summary>
    public DateTimeOffset NextDue(DateTimeOffset now)
    {
        if (_idle)
        {
            // First row after a quiet spell: as soon as the rate allows, counted from the last row sent.
            _anchor = _lastSent == DateTimeOffset.MinValue || now - _lastSent >= _interval ? now : _lastSent + _interval;
            _sent = 0;
            _idle = false;
        }

        // Computed from the anchor each time (n x 1 s / rate), so rounding never accumulates.
        var due = _anchor + GenerationSchedule.Duration(_sent, ratePerSecond);
        if (now - due > _interval)
        {
            _anchor = now;
            _sent = 0;
            due = now;
        }

        return due;
    }

    public void Sent(DateTimeOffset at)
    {
        _sent++;
        _lastSent = at;
    }

    /// <summary>Nothing to send: the next row starts a new schedule (<see cref="NextDue"/> re-anchors).</summary>
    public void Idle() => _idle = true;
}
