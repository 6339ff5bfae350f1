using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace InvoiceMvc.StreamBench;

/// <summary>
/// The least one core can do to put a stats frame on every open stream: no Kestrel, no pipes, no tasks.
/// Plain sockets; each connection gets a bare HTTP/1.1 200 and the SSE body unframed (no chunking), and one
/// thread publishes the bare writer's stats frame (the product's size, with its publication time) 5 times a
/// second with a synchronous non-blocking send to each connection in turn. What it measures is the kernel's
/// own cost of a small write to N loopback sockets (on loopback the sender's core also runs the receiving
/// side of TCP), so a latency percentile no server on this machine can beat at that N. Prints, on exit, how
/// long each fan-out took (first send to last) as JSON.
/// </summary>
public static class FloorWriter
{
    private static readonly byte[] Head = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 1000\n\n");

    public static int Run(int port)
    {
        var sockets = new List<Socket>();
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(4096);
        var accepting = new Thread(() => Accept(listener, sockets)) { IsBackground = true };
        accepting.Start();

        var fanOuts = new List<double>();
        using var stop = new ManualResetEventSlim();
        // SIGTERM (the script) or Ctrl+C ends the publishing, and the figures are printed before the process ends.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        var publishing = new Thread(() => Publish(sockets, fanOuts, stop)) { IsBackground = true };
        publishing.Start();
        stop.Wait();
        publishing.Join();
        double[] sorted;
        lock (fanOuts)
        {
            sorted = [.. fanOuts.Order()];
        }

        Console.WriteLine($"{{\"fan_outs\":{sorted.Length},\"fan_out_ms_p50\":{LoadClient.Percentile(sorted, 0.50):0.0},\"fan_out_ms_p99\":{LoadClient.Percentile(sorted, 0.99):0.0},\"fan_out_ms_max\":{LoadClient.Percentile(sorted, 1):0.0}}}");
        return 0;
    }

    private static void Accept(Socket listener, List<Socket> sockets)
    {
        var request = new byte[4096];
        while (true)
        {
            var socket = listener.Accept();
            socket.NoDelay = true;
            // The viewer sends its request at once; it is read whole (it is small) and not looked at.
            var read = 0;
            while (read < 4 || request.AsSpan(0, read).IndexOf("\r\n\r\n"u8) < 0)
            {
                var n = socket.Receive(request, read, request.Length - read, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            socket.Send(Head);
            socket.Blocking = false;
            lock (sockets)
            {
                sockets.Add(socket);
            }
        }
    }

    private static void Publish(List<Socket> sockets, List<double> fanOuts, ManualResetEventSlim stop)
    {
        long version = 0;
        var snapshot = Array.Empty<Socket>();
        // 5 a second on a drift-free schedule, as the product's stats come: a fan-out that takes long
        // shortens the wait before the next rather than spacing the frames out.
        var clock = Stopwatch.StartNew();
        while (!stop.Wait(TimeSpan.FromMilliseconds(Math.Max(0, (version + 1) * 200 - clock.ElapsedMilliseconds))))
        {
            var frame = BareWriter.Stats(++version, DateTime.UtcNow.Ticks);
            var started = Stopwatch.GetTimestamp();
            lock (sockets)
            {
                if (snapshot.Length != sockets.Count)
                {
                    snapshot = [.. sockets];
                }
            }

            foreach (var socket in snapshot)
            {
                // A full or closed socket just misses this frame: the floor is the cost of the writes.
                socket.Send(frame, 0, frame.Length, SocketFlags.None, out _);
            }

            if (snapshot.Length > 0)
            {
                lock (fanOuts)
                {
                    fanOuts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
    }
}
