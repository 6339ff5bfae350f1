using InvoiceMvc.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InvoiceMvc.Web.Security;

/// <summary>What the throttle says about one sign-in attempt before the password is checked.</summary>
/// <param name="RetryAfter">Set when the attempt is refused: this client has failed too often (for this name, or at all).</param>
/// <param name="Delay">How long to hold the attempt first: this user name has failed too often, from anyone.</param>
public sealed record SignInThrottleDecision(TimeSpan? RetryAfter, TimeSpan Delay);

/// <summary>
/// Counts failed sign-ins in Redis, shared by every instance, per (client, user name), per client and per user name.
/// Only the attacker's own client is ever refused; a user name under attack from many clients is only slowed down,
/// so nobody can lock the real user out (docs/decisions/012-sign-in-throttling.md). Identity's lockout is not used.
/// </summary>
public sealed class SignInThrottle(IConnectionMultiplexer redis, IOptions<CacheOptions> cache, IOptions<SignInThrottleOptions> options, ILogger<SignInThrottle> logger)
{
    private readonly string _prefix = cache.Value.KeyPrefix + "sign-in:";

    public async Task<SignInThrottleDecision> CheckAsync(string client, string userName, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        try
        {
            var db = redis.GetDatabase();
            var (pair, perClient, perUser) = Keys(client, userName);
            var counts = await db.StringGetAsync([pair, perClient, perUser]);
            cancellationToken.ThrowIfCancellationRequested();
            var refusedKey = (long)counts[0] >= limits.FailuresPerClientAndUser ? pair
                : (long)counts[1] >= limits.FailuresPerClient ? perClient
                : (RedisKey?)null;
            TimeSpan? retryAfter = refusedKey is { } key ? await db.KeyTimeToLiveAsync(key) ?? limits.Window : null;
            return new SignInThrottleDecision(retryAfter, DelayFor((long)counts[2], limits));
        }
        catch (RedisException ex)
        {
            // Fail open: sign-in must work with Redis down; the per-instance rate limit still bounds guessing then.
            logger.LogWarning(ex, "Sign-in throttle unavailable (Redis); checking the password without it");
            return new SignInThrottleDecision(null, TimeSpan.Zero);
        }
    }

    public async Task RecordFailureAsync(string client, string userName)
    {
        try
        {
            var db = redis.GetDatabase();
            var window = options.Value.Window;
            var (pair, perClient, perUser) = Keys(client, userName);
            var batch = db.CreateBatch();
            var writes = new List<Task>();
            foreach (var key in new[] { pair, perClient, perUser })
            {
                writes.Add(batch.StringIncrementAsync(key));
                // The window starts at the first failure and is not extended by later ones.
                writes.Add(batch.KeyExpireAsync(key, window, ExpireWhen.HasNoExpiry));
            }

            batch.Execute();
            await Task.WhenAll(writes);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Sign-in throttle unavailable (Redis); a failed sign-in was not counted");
        }
    }

    /// <summary>A client that knows the password starts afresh for that name; the name's own count stays (others may still be guessing).</summary>
    public async Task RecordSuccessAsync(string client, string userName)
    {
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(Keys(client, userName).Pair);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Sign-in throttle unavailable (Redis); a successful sign-in did not reset its count");
        }
    }

    internal static TimeSpan DelayFor(long userFailures, SignInThrottleOptions limits)
    {
        var over = userFailures - limits.FailuresPerUserBeforeDelay;
        if (over < 0)
        {
            return TimeSpan.Zero;
        }

        var doubled = limits.DelayMilliseconds * Math.Pow(2, Math.Min(over, 20));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, limits.MaxDelayMilliseconds));
    }

    private (RedisKey Pair, RedisKey Client, RedisKey User) Keys(string client, string userName)
    {
        // Case-insensitive like Identity's normalised names, so "Admin" and "admin" count together.
        var name = userName.Trim().ToUpperInvariant();
        return ($"{_prefix}pair:{client}:{name}", $"{_prefix}client:{client}", $"{_prefix}user:{name}");
    }
}
