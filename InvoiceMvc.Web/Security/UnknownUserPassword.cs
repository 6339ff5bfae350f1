using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// A password hash nobody knows, checked when the user name does not exist, so a wrong name costs the same
/// time as a wrong password and the timing does not tell which names are real. Made once per app.
/// </summary>
public sealed class UnknownUserPassword
{
    private readonly PasswordHasher<IdentityUser> _hasher;
    private readonly IdentityUser _user = new("unknown");
    private readonly string _hash;

    public UnknownUserPassword(IOptions<PasswordHasherOptions> options)
    {
        // The same hasher settings (iteration count) as real accounts, so the work is the same.
        _hasher = new PasswordHasher<IdentityUser>(options);
        _hash = _hasher.HashPassword(_user, Guid.NewGuid().ToString("N"));
    }

    /// <summary>Always fails, after the same work as checking a real password.</summary>
    public void Check(string password) => _hasher.VerifyHashedPassword(_user, _hash, password);
}
