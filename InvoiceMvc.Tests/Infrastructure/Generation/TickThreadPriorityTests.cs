using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>
/// Generation:RealtimeTicks puts the run's tick thread, and only it, under SCHED_FIFO, read back from
/// the kernel (/proc). The suite runs as root here, as the run command's generator does; a run at
/// normal priority (the default) is the other half. Serial: threads are told apart by name, and a
/// parallel test's run would have a tick thread of the same name.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class TickThreadPriorityTests
{
    [Theory]
    [InlineData(true, 1)]   // SCHED_FIFO
    [InlineData(false, 0)]  // SCHED_OTHER
    public async Task TheTickThread_RunsUnderThePolicyTheSettingAsks(bool realtime, int policy)
    {
        await using var db = await TestDatabase.CreateAsync();
        var settings = GenerationSettings.Fast(rate: 5, seconds: 6);
        settings["Generation:RealtimeTicks"] = realtime ? "true" : "false";
        await using var app = await AppFactory.CreateAsync(db, settings);
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());

        var threads = await Eventually.ValueAsync(() => Task.FromResult(Threads().ToLookup(t => t.Name.StartsWith("Generation run", StringComparison.Ordinal), t => t.Policy)),
            t => t[true].Count() == 1, TimeSpan.FromSeconds(20), "the run's tick thread is running");
        Assert.Equal(policy, threads[true].Single());
        // No other thread of the process was raised with it.
        Assert.All(threads[false], p => Assert.Equal(0, p));
    }

    private static List<(string Name, int Policy)> Threads()
    {
        var threads = new List<(string, int)>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                var policyLine = File.ReadLines(Path.Combine(task, "sched")).First(l => l.StartsWith("policy", StringComparison.Ordinal));
                threads.Add((name, int.Parse(policyLine.Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)));
            }
            catch (IOException)
            {
                // The thread ended while it was read.
            }
        }

        return threads;
    }
}
