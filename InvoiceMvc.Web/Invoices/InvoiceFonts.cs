using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The one typeface of the invoice PDF, DejaVu Sans (regular and bold), shipped inside this assembly.
/// PDFsharp's Core build resolves fonts by itself only on Windows (and WSL2); on Linux it finds none,
/// and depending on whatever a server happens to have installed would make the document differ per
/// machine. Any family PDFsharp asks for gets DejaVu; italic is simulated (none is used).
/// docs/decisions/013-invoice-documents.md.
/// </summary>
public sealed class InvoiceFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    /// <summary>
    /// PDFsharp keeps its resolver in a static setting that may be set only to the same instance again,
    /// and several app hosts can live in one process (the tests): every one of them uses this instance.
    /// </summary>
    public static readonly InvoiceFonts Instance = new();

    private readonly ConcurrentDictionary<string, byte[]> _faces = new(StringComparer.Ordinal);

    private InvoiceFonts()
    {
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName) => _faces.GetOrAdd(faceName, Load);

    private static byte[] Load(string faceName)
    {
        var name = $"{typeof(InvoiceFonts).Namespace}.Fonts.{faceName}.ttf";
        using var stream = typeof(InvoiceFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font {name} is not embedded in {typeof(InvoiceFonts).Assembly.GetName().Name}.");
        using var copy = new MemoryStream((int)stream.Length);
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
