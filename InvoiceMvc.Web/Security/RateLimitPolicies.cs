namespace InvoiceMvc.Web.Security;

/// <summary>Rate limiter policy names (pages and API calls have the global per-client limiter instead).</summary>
public static class RateLimitPolicies
{
    public const string SignIn = "sign-in";
    public const string Control = "control";
}
