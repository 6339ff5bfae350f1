namespace InvoiceMvc.Tests.Fixtures;

/// <summary>The accounts every test app seeds at start-up (AppFactory and AppProcess pass these settings).</summary>
public static class TestAccounts
{
    public const string Admin = "admin";
    public const string Operator = "operator";
    public const string AdminPassword = "Test-Admin-Pass-1";
    public const string OperatorPassword = "Test-Operator-Pass-1";

    public static readonly IReadOnlyDictionary<string, string?> SeedSettings = new Dictionary<string, string?>
    {
        ["Seed:Admin:UserName"] = Admin,
        ["Seed:Admin:Password"] = AdminPassword,
        ["Seed:Operator:UserName"] = Operator,
        ["Seed:Operator:Password"] = OperatorPassword,
    };

    public static string PasswordOf(string userName) => userName switch
    {
        Admin => AdminPassword,
        Operator => OperatorPassword,
        _ => throw new ArgumentOutOfRangeException(nameof(userName), userName, "not a seeded test account"),
    };
}
