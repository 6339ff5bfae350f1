using System.Globalization;
using System.Runtime.InteropServices;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>
/// Generation:RealtimeTicks puts the run's tick thread, and only it, under SCHED_FIFO, and with it the
/// PostgreSQL backend that answers the ticks (the suite's server runs on this machine), read back from
/// the kernel (/proc); the backend is back at the ordinary policy once the run ends, before its pooled
/// connection serves anything else. The suite runs as root here, as the run command's generator does;
/// a run at normal priority (the default) is the other half. Serial: threads are told apart by name,
/// and a parallel test's run would have a tick thread of the same name.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class RealtimeTicksTests
{
    private const int SchedOther = 0;
    private const int SchedFifo = 1;

    [Theory]
    [InlineData(true, SchedFifo)]
    [InlineData(false, SchedOther)]
    public async Task TheTickThreadAndItsBackend_RunUnderThePolicyTheSettingAsks_AndTheBackendIsLoweredWhenTheRunEnds(bool realtime, int policy)
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = GenerationSettings.Fast(rate: 5, seconds: 4);
        settings["Generation:RealtimeTicks"] = realtime ? "true" : "false";
        await using var app = await AppFactory.CreateAsync(db, settings);
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());

        // The thread has its name from its start and sets its policy as its first step, before any tick: read
        // once an invoice is in, so neither policy can be seen before that step (a loaded machine saw it).
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") > 0, TimeSpan.FromSeconds(20), "the first invoice");
        var threads = Threads().ToLookup(t => t.Name.StartsWith("Generation run", StringComparison.Ordinal), t => t.Policy);
        Assert.Equal(policy, Assert.Single(threads[true]));
        // No other thread of the process was raised with it.
        Assert.All(threads[false], p => Assert.Equal(SchedOther, p));

        // The job's connection holds the run's advisory lock for the run's life: its backend is the one that answers the ticks.
        var backend = await db.ScalarAsync<int>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        await Eventually.TrueAsync(() => Task.FromResult(Policy($"/proc/{backend}/sched") == policy), TimeSpan.FromSeconds(10), "the backend runs under the asked policy");

        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 1") == 0,
            TimeSpan.FromSeconds(60), "the run ended");
        await Eventually.TrueAsync(() => Task.FromResult(Policy($"/proc/{backend}/sched") == SchedOther), TimeSpan.FromSeconds(10), "the backend is back at the ordinary policy");
        // Nothing raised outlives the run: the tick thread ends, and no thread it started was raised with it.
        await Eventually.TrueAsync(() => Task.FromResult(Threads().TrueForAll(t => t.Policy == SchedOther)), TimeSpan.FromSeconds(10), "no thread of the process runs real-time");
    }

    /// <summary>
    /// A thread the raised thread starts is not real-time with it: the runtime starts some of its own
    /// threads (its compilation and GC workers) with the kernel's inherited policy from whichever thread
    /// needs them, and such a thread outlived the run at SCHED_FIFO on CI. A native thread started with
    /// the default attributes is that case: it inherits unless the raised thread asked the kernel not to.
    /// </summary>
    [Fact]
    public void AThreadTheRaisedThreadStarts_RunsUnderTheOrdinaryPolicy()
    {
        int? raised = null, child = null;
        ThreadStart start = () => child = Policy("/proc/thread-self/sched");
        var parent = new Thread(() =>
        {
            Assert.Null(RealtimeTicks.TryRaiseCurrentThread());
            raised = Policy("/proc/thread-self/sched");
            Assert.Equal(0, PthreadCreate(out var native, IntPtr.Zero, Marshal.GetFunctionPointerForDelegate(start), IntPtr.Zero));
            Assert.Equal(0, PthreadJoin(native, IntPtr.Zero));
        });
        parent.Start();
        parent.Join();
        GC.KeepAlive(start);

        Assert.Equal(SchedFifo, raised);
        Assert.Equal(SchedOther, child);
    }

    [DllImport("libc", EntryPoint = "pthread_create")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PthreadCreate(out IntPtr thread, IntPtr attributes, IntPtr start, IntPtr argument);

    [DllImport("libc", EntryPoint = "pthread_join")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PthreadJoin(IntPtr thread, IntPtr result);

    private static List<(string Name, int Policy)> Threads()
    {
        var threads = new List<(string, int)>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                threads.Add((File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'), Policy(Path.Combine(task, "sched"))));
            }
            catch (IOException)
            {
                // The thread ended while it was read.
            }
        }

        return threads;
    }

    private static int Policy(string schedFile) =>
        int.Parse(File.ReadLines(schedFile).First(l => l.StartsWith("policy", StringComparison.Ordinal)).Split(':')[1].Trim(), CultureInfo.InvariantCulture);
}
