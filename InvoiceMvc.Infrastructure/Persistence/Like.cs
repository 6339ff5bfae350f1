namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>LIKE patterns from user text: %, _ and the escape character match themselves.</summary>
public static class Like
{
    public static string Contains(string text) =>
        "%" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";
}
