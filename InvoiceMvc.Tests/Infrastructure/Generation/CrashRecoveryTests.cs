using System.Net;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Tests.Infrastructure.Persistence;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task ARunWhoseProcessIsKilled_IsResumedByTheNextStart_AndEndsWithExactlyItsTarget()
    {
        await using var db = await TestDatabase.CreateAsync();
        var redis = await TestServers.RedisAsync();
        var prefix = $"t{Guid.NewGuid():N}:";
        var settings = GenerationSettings.Fast(rate: 40, seconds: 5); // 200 invoices

        await using (var first = await AppProcess.StartAsync(db, redis, prefix, settings))
        {
            // START over HTTP: the app runs in a process of its own (so it can be killed), out of reach of its services.
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
            using var client = new HttpClient(handler) { BaseAddress = first.BaseAddress };
            await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
            var token = await AntiforgeryClient.FetchTokenAsync(client);
            Assert.Equal(HttpStatusCode.Accepted, (await AntiforgeryClient.PostFormAsync(client, "/generation/start", token)).StatusCode);
            await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 40,
                TimeSpan.FromSeconds(30), "the first process produces some invoices");

            await first.KillAsync();
        }

        var producedBeforeCrash = await db.ScalarAsync<int>("SELECT produced FROM generation_runs");
        Assert.InRange(producedBeforeCrash, 40, 199);
        Assert.Equal(1, await db.ScalarAsync<short>("SELECT status FROM generation_runs")); // still "running": nobody said stop

        await using var second = await AppProcess.StartAsync(db, redis, prefix, settings);
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3,
            TimeSpan.FromSeconds(30), "the second process resumes and completes the run");

        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT count(DISTINCT invoice_number) FROM invoices"));
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT max(id) FROM invoices"));
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT max(sequence)::bigint FROM invoices"));
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT invoice_count FROM invoice_stats"));
        Assert.True(await db.ScalarAsync<bool>("SELECT total_amount = (SELECT sum(total_amount) FROM invoices) FROM invoice_stats"));
        // The analytics rollups too: the killed tick's rows went with its transaction, none counted twice on resume.
        Assert.Equal(0L, await db.ScalarAsync<long>(AnalyticsRollupTests.MismatchSql));
        // The ledger too: every invoice issued once (the killed tick's entries went with its invoices,
        // none posted twice on resume), with lines summing to its subtotal, and the books balanced.
        Assert.Equal("", await LedgerInvariants.BrokenAsync(db));
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT count(*) FROM journal_entries WHERE kind = 1"));
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM invoices i
             WHERE (SELECT count(*) FROM journal_entries e WHERE e.invoice_id = i.id AND e.kind = 1) <> 1
                OR (SELECT count(*) FROM invoice_lines l WHERE l.invoice_id = i.id) = 0
                OR (SELECT sum(amount) FROM invoice_lines l WHERE l.invoice_id = i.id) <> i.subtotal
            """));
    }
}
