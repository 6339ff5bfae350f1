namespace InvoiceMvc.Web.Security;

/// <summary>The first accounts, created at start-up when missing. Passwords come from the environment or user-secrets, never the repo.</summary>
public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    public SeedAccount Admin { get; set; } = new();
    public SeedAccount Operator { get; set; } = new();
}
