using System.ComponentModel.DataAnnotations;
using System.Globalization;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceMvc.Web.Controllers;

public sealed record LoginInput(
    [Required(ErrorMessage = "Enter your user name.")] string? UserName,
    [Required(ErrorMessage = "Enter your password.")] string? Password,
    string? ReturnUrl);

/// <summary>Sign-in and sign-out. Failed sign-ins are throttled per client, never locking the account (decision 012).</summary>
[Route("account")]
[AutoValidateAntiforgeryToken]
public sealed class AccountController(PasswordSignIn passwordSignIn, SignInManager<IdentityUser> signIn, UserManager<IdentityUser> users) : Controller
{
    /// <summary>The one text for every failed sign-in: it must not tell which user names exist.</summary>
    public const string FailedMessage = "Wrong user name or password.";

    [HttpGet("login")]
    public IActionResult Login(string? returnUrl) => View(new LoginInput(null, null, returnUrl));

    [HttpPost("login")]
    [EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> Login([FromForm] LoginInput input, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(input with { Password = null });
        }

        var client = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        switch (await passwordSignIn.SignInAsync(client, input.UserName!, input.Password!, cancellationToken))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(input.ReturnUrl) ? input.ReturnUrl : "/");
            case SignInOutcome.Throttled throttled:
                var minutes = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalMinutes));
                Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(throttled.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                ModelState.AddModelError("", $"Too many failed sign-ins from this address. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.");
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return View(input with { Password = null });
            default:
                ModelState.AddModelError("", FailedMessage);
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return View(input with { Password = null });
        }
    }

    /// <summary>A new security stamp ends this session on every instance, including copies of its cookie (decision 008).</summary>
    [HttpPost("logout")]
    public async Task<IActionResult> Logout()
    {
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
