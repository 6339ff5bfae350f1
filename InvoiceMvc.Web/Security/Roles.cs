namespace InvoiceMvc.Web.Security;

public static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
}

public static class Policies
{
    /// <summary>START and STOP: operators and admins.</summary>
    public const string Control = "Control";

    /// <summary>The Hangfire dashboard and the audit log.</summary>
    public const string Admin = "Admin";
}

public static class RateLimitPolicies
{
    public const string SignIn = "sign-in";
    public const string Control = "control";
}
