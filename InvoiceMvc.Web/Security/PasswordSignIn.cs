using Microsoft.AspNetCore.Identity;

namespace InvoiceMvc.Web.Security;

/// <summary>What became of a sign-in attempt. Every failure looks the same to the client.</summary>
public abstract record SignInOutcome
{
    private SignInOutcome()
    {
    }

    public sealed record SignedIn : SignInOutcome;

    /// <summary>Wrong name, wrong password, or an account that may not sign in: one answer for all.</summary>
    public sealed record Failed : SignInOutcome;

    /// <summary>This client failed too often; the password was not checked.</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : SignInOutcome;
}

/// <summary>
/// Sign-in by password, throttled (<see cref="SignInThrottle"/>) instead of locking accounts, with the same work
/// done for unknown names as for real ones.
/// </summary>
public sealed class PasswordSignIn(
    SignInManager<IdentityUser> signIn,
    UserManager<IdentityUser> users,
    UnknownUserPassword unknownUser,
    SignInThrottle throttle,
    TimeProvider time)
{
    public async Task<SignInOutcome> SignInAsync(string client, string userName, string password, CancellationToken cancellationToken)
    {
        var decision = await throttle.CheckAsync(client, userName, cancellationToken);
        if (decision.RetryAfter is { } retryAfter)
        {
            return new SignInOutcome.Throttled(retryAfter);
        }

        if (decision.Delay > TimeSpan.Zero)
        {
            await Task.Delay(decision.Delay, time, cancellationToken);
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            unknownUser.Check(password);
        }
        // lockoutOnFailure: false — an anonymous client must not be able to lock a real account (decision 012).
        else if ((await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false)).Succeeded)
        {
            await throttle.RecordSuccessAsync(client, userName);
            return new SignInOutcome.SignedIn();
        }

        await throttle.RecordFailureAsync(client, userName);
        return new SignInOutcome.Failed();
    }
}
