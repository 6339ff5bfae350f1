namespace InvoiceMvc.Web.Security;

/// <summary>One seeded account: Seed:Admin or Seed:Operator.</summary>
public sealed class SeedAccount
{
    public string? UserName { get; set; }
    public string? Password { get; set; }
}
