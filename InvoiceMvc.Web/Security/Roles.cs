namespace InvoiceMvc.Web.Security;

public static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
}
