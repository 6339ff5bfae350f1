using System.ComponentModel.DataAnnotations;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace InvoiceMvc.Web.Controllers;

public sealed record LoginInput(
    [Required(ErrorMessage = "Enter your user name.")] string? UserName,
    [Required(ErrorMessage = "Enter your password.")] string? Password,
    string? ReturnUrl);

/// <summary>Sign-in and sign-out. Identity hashes the passwords and counts failures toward the lockout.</summary>
[Route("account")]
[AutoValidateAntiforgeryToken]
public sealed class AccountController(SignInManager<IdentityUser> signIn) : Controller
{
    [HttpGet("login")]
    public IActionResult Login(string? returnUrl) => View(new LoginInput(null, null, returnUrl));

    [HttpPost("login")]
    [EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> Login([FromForm] LoginInput input)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(input with { Password = null });
        }

        var result = await signIn.PasswordSignInAsync(input.UserName!, input.Password!, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return LocalRedirect(Url.IsLocalUrl(input.ReturnUrl) ? input.ReturnUrl : "/");
        }

        ModelState.AddModelError("", result.IsLockedOut
            ? "This account is locked after too many failed sign-ins. Try again in 15 minutes."
            : "Wrong user name or password.");
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return View(input with { Password = null });
    }

    [HttpPost("logout")]
    public async Task<IActionResult> Logout()
    {
        await signIn.SignOutAsync();
        return Redirect("/");
    }
}
