using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The invoice as a one-page A4 PDF (PDFsharp, MIT): who sells to whom, the number and dates, an
/// amounts table with the VAT line, and the totals. It shows exactly the detail page's text (the same
/// <see cref="InvoiceDetailView"/>), so what a reader sees on screen is what the document says.
/// </summary>
public static class InvoicePdf
{
    private const double Margin = 56; // points: about 2 cm
    private static readonly XColor Muted = XColor.FromArgb(0x5b, 0x66, 0x75);
    private static readonly XColor Rule = XColor.FromArgb(0xdd, 0xe3, 0xea);

    static InvoicePdf()
    {
        // Set before PDFsharp resolves its first font, and only ever to this one instance (see InvoiceFonts).
        GlobalFontSettings.FontResolver = InvoiceFonts.Instance;
    }

    public static string FileName(InvoiceDetailView invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Number + ".pdf";
    }

    public static byte[] Render(InvoiceDetailView invoice, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        using var document = new PdfDocument();
        document.Info.Title = $"Invoice {invoice.Number}";
        document.Info.Author = invoice.Seller;
        document.Info.Subject = $"Invoice {invoice.Number} from {invoice.Seller} to {invoice.Buyer}";
        document.Info.Creator = "InvoiceMvc";
        // The invoice's own time, not the moment of rendering: the same invoice is the same document.
        document.Info.CreationDate = createdAt.UtcDateTime;
        document.Info.ModificationDate = createdAt.UtcDateTime;

        var page = document.AddPage();
        page.Size = PageSize.A4;
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            Draw(gfx, page.Width.Point, invoice);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Draw(XGraphics gfx, double pageWidth, InvoiceDetailView invoice)
    {
        var title = new XFont(InvoiceFonts.Family, 22, XFontStyleEx.Bold);
        var heading = new XFont(InvoiceFonts.Family, 9, XFontStyleEx.Bold);
        var body = new XFont(InvoiceFonts.Family, 10.5, XFontStyleEx.Regular);
        var strong = new XFont(InvoiceFonts.Family, 10.5, XFontStyleEx.Bold);
        var small = new XFont(InvoiceFonts.Family, 8, XFontStyleEx.Regular);
        var muted = new XSolidBrush(Muted);
        var rule = new XPen(Rule, 0.75);
        var width = pageWidth - 2 * Margin;
        var right = Margin + width;

        // Title and number.
        var y = Margin;
        gfx.DrawString("Invoice", title, XBrushes.Black, new XRect(Margin, y, width / 2, 28), XStringFormats.TopLeft);
        gfx.DrawString(invoice.Number, title, XBrushes.Black, new XRect(Margin + width / 2, y, width / 2, 28), XStringFormats.TopRight);
        y += 44;

        // The facts of the invoice, label beside value.
        (string Label, string Value)[] facts =
        [
            ("Invoice number", invoice.Number),
            ("Invoice date", invoice.InvoiceDate + " UTC"),
            ("Created", invoice.CreatedAt + " UTC"),
            ("Run", invoice.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        foreach (var (label, value) in facts)
        {
            gfx.DrawString(label, body, muted, new XRect(Margin, y, 120, 14), XStringFormats.TopLeft);
            gfx.DrawString(value, body, XBrushes.Black, new XRect(Margin + 120, y, width - 120, 14), XStringFormats.TopLeft);
            y += 16;
        }

        y += 18;

        // Seller and buyer side by side; long names wrap inside their block.
        var column = (width - 24) / 2;
        gfx.DrawString("SELLER", heading, muted, new XRect(Margin, y, column, 12), XStringFormats.TopLeft);
        gfx.DrawString("BUYER", heading, muted, new XRect(Margin + column + 24, y, column, 12), XStringFormats.TopLeft);
        y += 16;
        // Names of up to 255 characters, wrapped inside their block (at spaces, else anywhere): never into the other block.
        var seller = Wrap(gfx, invoice.Seller, strong, column);
        var buyer = Wrap(gfx, invoice.Buyer, strong, column);
        const double lineHeight = 14;
        for (var i = 0; i < seller.Count; i++)
        {
            gfx.DrawString(seller[i], strong, XBrushes.Black, new XRect(Margin, y + i * lineHeight, column, lineHeight), XStringFormats.TopLeft);
        }

        for (var i = 0; i < buyer.Count; i++)
        {
            gfx.DrawString(buyer[i], strong, XBrushes.Black, new XRect(Margin + column + 24, y + i * lineHeight, column, lineHeight), XStringFormats.TopLeft);
        }

        y += Math.Max(seller.Count, buyer.Count) * lineHeight + 28;

        // The amounts table: one line of goods, then subtotal, VAT and total.
        var amountColumn = 140;
        gfx.DrawString("DESCRIPTION", heading, muted, new XRect(Margin, y, width - amountColumn, 12), XStringFormats.TopLeft);
        gfx.DrawString("AMOUNT", heading, muted, new XRect(right - amountColumn, y, amountColumn, 12), XStringFormats.TopRight);
        y += 16;
        gfx.DrawLine(rule, Margin, y, right, y);
        y += 8;
        Line(gfx, body, XBrushes.Black, y, width, amountColumn, $"Goods and services, invoice {invoice.Number}", invoice.Subtotal);
        y += 22;
        gfx.DrawLine(rule, Margin, y, right, y);
        y += 10;

        var labelsLeft = right - amountColumn - 160;
        Amount(gfx, body, XBrushes.Black, labelsLeft, y, amountColumn, right, "Subtotal", invoice.Subtotal);
        y += 18;
        Amount(gfx, body, XBrushes.Black, labelsLeft, y, amountColumn, right, $"VAT ({invoice.VatRate})", invoice.Vat);
        y += 20;
        gfx.DrawLine(new XPen(XColors.Black, 1), labelsLeft, y, right, y);
        y += 8;
        Amount(gfx, strong, XBrushes.Black, labelsLeft, y, amountColumn, right, "Total", invoice.Total);

        gfx.DrawString("Generated by InvoiceMvc. All times are UTC.", small, muted,
            new XRect(Margin, gfx.PageSize.Height - Margin, width, 10), XStringFormats.TopLeft);
    }

    /// <summary>Greedy line breaking: whole words where they fit, a word wider than the block broken where it must.</summary>
    internal static List<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = line.Length == 0 ? word : line + " " + word;
            if (gfx.MeasureString(candidate, font).Width <= width)
            {
                line = candidate;
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line);
            }

            line = word;
            while (gfx.MeasureString(line, font).Width > width)
            {
                var fits = 1;
                while (fits < line.Length && gfx.MeasureString(line[..(fits + 1)], font).Width <= width)
                {
                    fits++;
                }

                lines.Add(line[..fits]);
                line = line[fits..];
            }
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static void Line(XGraphics gfx, XFont font, XBrush brush, double y, double width, double amountColumn, string label, string amount)
    {
        gfx.DrawString(label, font, brush, new XRect(Margin, y, width - amountColumn, 14), XStringFormats.TopLeft);
        gfx.DrawString(amount, font, brush, new XRect(Margin + width - amountColumn, y, amountColumn, 14), XStringFormats.TopRight);
    }

    private static void Amount(XGraphics gfx, XFont font, XBrush brush, double left, double y, double amountColumn, double right, string label, string amount)
    {
        gfx.DrawString(label, font, brush, new XRect(left, y, right - amountColumn - left, 14), XStringFormats.TopLeft);
        gfx.DrawString(amount, font, brush, new XRect(right - amountColumn, y, amountColumn, 14), XStringFormats.TopRight);
    }
}
