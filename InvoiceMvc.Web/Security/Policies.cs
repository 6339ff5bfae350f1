namespace InvoiceMvc.Web.Security;

/// <summary>Authorization policy names.</summary>
public static class Policies
{
    /// <summary>START and STOP: operators and admins.</summary>
    public const string Control = "Control";

    /// <summary>The Hangfire dashboard and the audit log.</summary>
    public const string Admin = "Admin";
}
