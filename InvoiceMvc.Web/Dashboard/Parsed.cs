namespace InvoiceMvc.Web.Dashboard;

/// <summary>A parsed query value, or the message a 400 answer gives.</summary>
public readonly record struct Parsed<T>(T Value, string? Error)
{
    public bool IsValid => Error is null;
}

internal static class Parsed
{
    public static Parsed<T> Ok<T>(T value) => new(value, null);

    public static Parsed<T> Bad<T>(string error) => new(default!, error);
}
