using System.Net;
using System.Runtime.InteropServices;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>
/// Generation:RealtimeTicks: puts the run's tick thread, and the PostgreSQL backend that answers it when
/// that runs on this machine, under Linux's real-time FIFO policy, so each runs the moment its due time,
/// its query or its reply wakes it, ahead of every ordinary thread on the core
/// (docs/decisions/020-generation-thread.md). Only these two: both spend almost all their time blocked,
/// and the kernel's real-time throttling keeps 5% of each core for others in any case. .NET's
/// <see cref="Thread.Priority"/> is not applied on Linux, hence the system call.
/// </summary>
internal static class RealtimeTicks
{
    private const int SchedOther = 0;
    private const int SchedFifo = 1;

    /// <summary>
    /// ORed into the raised policy: a thread the raised one starts begins at the ordinary policy. The runtime
    /// starts some of its own threads (compilation and GC workers) from whichever thread needs them, with
    /// the policy inherited, and one outlived a run at SCHED_FIFO; a backend forks nothing, so it changes
    /// nothing there.
    /// </summary>
    private const int SchedResetOnFork = 0x40000000;

    /// <summary>Low among real-time priorities (1-99): above every ordinary thread, below the kernel's own.</summary>
    private const int FifoPriority = 10;

    /// <returns>Null when the thread now runs real-time; otherwise why not (not Linux, or no CAP_SYS_NICE).</returns>
    public static string? TryRaiseCurrentThread() =>
        OperatingSystem.IsLinux()
            ? TrySet(0, SchedFifo | SchedResetOnFork, FifoPriority) // pid 0 is the calling thread: Linux schedules threads, not processes.
            : "real-time scheduling is applied on Linux only";

    /// <summary>
    /// Raises the backend serving <paramref name="connection"/> when it is a postgres process of this
    /// machine (a loopback or Unix-socket connection, and its process id names a postgres process here);
    /// a server elsewhere (another container or host) is left alone. <see cref="Lower"/> puts it back
    /// before the pooled connection serves anything else.
    /// </summary>
    /// <returns>Null when the backend now runs real-time; otherwise why not.</returns>
    public static string? TryRaiseBackend(NpgsqlConnection connection)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "real-time scheduling is applied on Linux only";
        }

        var host = connection.Host ?? "";
        var local = host.StartsWith('/') || host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        if (!local || !IsPostgres(connection.ProcessID))
        {
            return $"PostgreSQL ({host}) does not run on this machine";
        }

        return TrySet(connection.ProcessID, SchedFifo | SchedResetOnFork, FifoPriority);
    }

    /// <summary>The backend raised by <see cref="TryRaiseBackend"/> back to the ordinary policy.</summary>
    public static void Lower(NpgsqlConnection connection) => TrySet(connection.ProcessID, SchedOther, 0);

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n') == "postgres";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? TrySet(int pid, int policy, int priority) =>
        SchedSetScheduler(pid, policy, ref priority) == 0
            ? null
            : $"sched_setscheduler refused it (errno {Marshal.GetLastPInvokeError()}; it needs root or CAP_SYS_NICE)";

    // A DllImport, not a LibraryImport: its arguments are blittable, so no generated (unsafe) stub is needed.
    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SchedSetScheduler(int pid, int policy, ref int schedPriority);
}
