using System.Net.Sockets;
using System.Text;

namespace InvoiceMvc.StreamBench;

/// <summary>
/// One raw-socket SSE viewer: a plain HTTP/1.1 GET, the chunked body decoded by hand, events split on
/// blank lines; it counts invoice rows and records when each stats event arrived and which invoice it
/// counted up to (the stat cards' data-last-invoice-id). No browser, no EventSource, no library.
/// </summary>
public sealed class Viewer
{
    private static readonly byte[] InvoiceEvent = "event: invoice\n"u8.ToArray();
    private static readonly byte[] StatsEvent = "event: stats\n"u8.ToArray();
    private static readonly byte[] LastInvoice = "data-last-invoice-id=\""u8.ToArray();
    private static readonly byte[] PublishedAt = "data-published-at=\""u8.ToArray();
    private static readonly byte[] EventId = "\nid: "u8.ToArray();
    private static readonly byte[] RetryField = "retry: "u8.ToArray();

    private readonly byte[] _raw = new byte[16 * 1024];
    private byte[] _events = new byte[32 * 1024];
    private int _eventsLength;
    private bool _headersDone, _chunked;
    private int _chunkLeft = -1; // -1: reading a chunk-size line; -2: the CRLF after a chunk
    private readonly List<byte> _line = [];

    public long Rows { get; private set; }
    public long RowsAtStart { get; private set; }
    public long RowsAtEnd { get; private set; }
    public int Status { get; private set; }
    public string? Error { get; private set; }
    public bool Recording { get; set; }

    /// <summary>The id of the last invoice row: sent back as Last-Event-ID when the viewer reconnects, as EventSource does.</summary>
    public long LastId { get; private set; }

    /// <summary>Rows whose id was not the one after <see cref="LastId"/>: a row lost (higher) or repeated (not higher).</summary>
    public int Lost { get; private set; }

    public int Repeated { get; private set; }

    /// <summary>The reconnection delay the stream asked for (its retry field); EventSource's default until it does.</summary>
    public int RetryMs { get; private set; } = 3000;

    /// <summary>A refused stream's Retry-After header, in seconds.</summary>
    public int? RetryAfterSeconds { get; private set; }

    /// <summary>When the current connection's first row arrived (Unix milliseconds), 0 before it.</summary>
    public long FirstRowAtMs { get; private set; }

    /// <summary>
    /// (newest invoice id counted, arrival UTC ticks, publication UTC ticks or 0) of each stats event while recording;
    /// only the bare writer's frames say when they were published.
    /// </summary>
    public List<(long Id, long At, long PublishedAt)> Stats { get; } = [];

    public void MarkStart() => RowsAtStart = Rows;

    public void MarkEnd() => RowsAtEnd = Rows;

    /// <summary>One connection, read until it ends or <paramref name="ct"/> is cancelled; a reconnecting viewer calls it again.</summary>
    public async Task RunAsync(Uri url, CancellationToken ct)
    {
        _headersDone = _chunked = false;
        _chunkLeft = -1;
        _line.Clear();
        _eventsLength = 0;
        Status = 0;
        Error = null;
        RetryAfterSeconds = null;
        FirstRowAtMs = 0;
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(url.Host, url.Port, ct);
            var request = Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n{(LastId > 0 ? $"Last-Event-ID: {LastId}\r\n" : "")}\r\n");
            await socket.SendAsync(request, SocketFlags.None, ct);
            while (!ct.IsCancellationRequested)
            {
                var n = await socket.ReceiveAsync(_raw, SocketFlags.None, ct);
                if (n == 0)
                {
                    Error ??= "closed by the server";
                    return;
                }

                Feed(_raw.AsSpan(0, n));
            }
        }
        catch (OperationCanceledException)
        {
            // The window is over.
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            Error ??= ex.Message;
        }
    }

    private void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (!_headersDone)
            {
                var b = data[0];
                data = data[1..];
                _line.Add(b);
                if (_line.Count >= 4 && _line[^1] == '\n' && _line[^2] == '\r' && _line[^3] == '\n' && _line[^4] == '\r')
                {
                    var head = Encoding.ASCII.GetString(_line.ToArray());
                    Status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
                    _chunked = head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
                    var retryAfter = head.IndexOf("\r\nretry-after: ", StringComparison.OrdinalIgnoreCase);
                    if (retryAfter >= 0)
                    {
                        RetryAfterSeconds = (int)Number(Encoding.ASCII.GetBytes(head[(retryAfter + 15)..]));
                    }
                    _headersDone = true;
                    _line.Clear();
                }

                continue;
            }

            if (!_chunked)
            {
                Append(data);
                return;
            }

            if (_chunkLeft == -1)
            {
                var b = data[0];
                data = data[1..];
                if (b == '\n')
                {
                    var text = Encoding.ASCII.GetString(_line.ToArray()).Trim().Split(';')[0];
                    _line.Clear();
                    _chunkLeft = Convert.ToInt32(text, 16);
                    if (_chunkLeft == 0)
                    {
                        Error ??= "the stream ended";
                        return;
                    }
                }
                else
                {
                    _line.Add(b);
                }
            }
            else if (_chunkLeft == -2)
            {
                var b = data[0];
                data = data[1..];
                if (b == '\n')
                {
                    _chunkLeft = -1;
                }
            }
            else
            {
                var take = Math.Min(_chunkLeft, data.Length);
                Append(data[..take]);
                data = data[take..];
                _chunkLeft -= take;
                if (_chunkLeft == 0)
                {
                    _chunkLeft = -2;
                }
            }
        }
    }

    private void Append(ReadOnlySpan<byte> body)
    {
        if (_eventsLength + body.Length > _events.Length)
        {
            Array.Resize(ref _events, Math.Max(_events.Length * 2, _eventsLength + body.Length));
        }

        body.CopyTo(_events.AsSpan(_eventsLength));
        _eventsLength += body.Length;
        var consumed = 0;
        while (true)
        {
            var rest = _events.AsSpan(consumed, _eventsLength - consumed);
            var end = rest.IndexOf("\n\n"u8);
            if (end < 0)
            {
                break;
            }

            Dispatch(rest[..(end + 1)]);
            consumed += end + 2;
        }

        _events.AsSpan(consumed, _eventsLength - consumed).CopyTo(_events);
        _eventsLength -= consumed;
    }

    private void Dispatch(ReadOnlySpan<byte> block)
    {
        if (block.StartsWith(InvoiceEvent))
        {
            Rows++;
            if (FirstRowAtMs == 0)
            {
                FirstRowAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            }

            if (block.IndexOf(EventId) is >= 0 and var at)
            {
                var id = Number(block[(at + EventId.Length)..]);
                if (LastId > 0 && id != LastId + 1)
                {
                    if (id > LastId)
                    {
                        Lost++;
                    }
                    else
                    {
                        Repeated++;
                    }
                }

                LastId = Math.Max(LastId, id);
            }
        }
        else if (block.StartsWith(RetryField))
        {
            RetryMs = (int)Number(block[RetryField.Length..]);
        }
        else if (Recording && block.StartsWith(StatsEvent))
        {
            var at = block.IndexOf(LastInvoice);
            if (at >= 0)
            {
                Stats.Add((Number(block[(at + LastInvoice.Length)..]), DateTime.UtcNow.Ticks,
                    block.IndexOf(PublishedAt) is >= 0 and var published ? Number(block[(published + PublishedAt.Length)..]) : 0));
            }
        }
    }

    private static long Number(ReadOnlySpan<byte> digits)
    {
        long n = 0;
        for (var i = 0; i < digits.Length && digits[i] is >= (byte)'0' and <= (byte)'9'; i++)
        {
            n = (n * 10) + (digits[i] - '0');
        }

        return n;
    }
}
