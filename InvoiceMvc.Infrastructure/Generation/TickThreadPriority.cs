using System.Runtime.InteropServices;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>
/// Puts the calling thread (the tick loop's own) under Linux's real-time FIFO policy, so it runs the
/// moment its due time or PostgreSQL's reply wakes it, ahead of every ordinary thread on the core
/// (docs/decisions/020-generation-thread.md). Only this thread: it spends almost all its time
/// blocked, and the kernel's real-time throttling keeps 5% of each core for others in any case.
/// .NET's <see cref="Thread.Priority"/> is not applied on Linux, hence the system call.
/// </summary>
internal static class TickThreadPriority
{
    private const int SchedFifo = 1;

    /// <summary>Low among real-time priorities (1-99): above every ordinary thread, below the kernel's own.</summary>
    private const int FifoPriority = 10;

    /// <returns>Null when the thread now runs real-time; otherwise why not (not Linux, or no CAP_SYS_NICE).</returns>
    public static string? TryRaiseCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "real-time scheduling is applied on Linux only";
        }

        var priority = FifoPriority;
        // pid 0 is the calling thread: Linux schedules threads, not processes.
        return SchedSetScheduler(0, SchedFifo, ref priority) == 0
            ? null
            : $"sched_setscheduler refused it (errno {Marshal.GetLastPInvokeError()}; it needs root or CAP_SYS_NICE)";
    }

    // A DllImport, not a LibraryImport: its arguments are blittable, so no generated (unsafe) stub is needed.
    [DllImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SchedSetScheduler(int pid, int policy, ref int schedPriority);
}
