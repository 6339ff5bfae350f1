namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// What asking for one stream gave: its frames, or why it was refused (a 400 on its own, an error
/// event for that tab alone inside a <see cref="SharedStream"/>). Closed like the generation results:
/// callers branch with <see cref="Match{T}"/>, which names every case.
/// </summary>
public abstract record StreamOpening
{
    private StreamOpening()
    {
    }

    public abstract T Match<T>(Func<Opened, T> opened, Func<Refused, T> refused);

    public sealed record Opened(IAsyncEnumerable<ReadOnlyMemory<byte>> Frames) : StreamOpening
    {
        public override T Match<T>(Func<Opened, T> opened, Func<Refused, T> refused) => opened(this);
    }

    /// <param name="Errors">Field by field, when a validator refused the query (a validation problem); otherwise null.</param>
    public sealed record Refused(string Title, string Detail, IDictionary<string, string[]>? Errors = null) : StreamOpening
    {
        public static Refused Invalid(IDictionary<string, string[]> errors) =>
            new("One or more validation errors occurred.", string.Join(" ", errors.Values.SelectMany(v => v)), errors);

        public override T Match<T>(Func<Opened, T> opened, Func<Refused, T> refused) => refused(this);
    }
}
