using InvoiceMvc.Web.Invoices;
using UglyToad.PdfPig;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>The PDF writer alone (no database): what a 255-character name does to the layout.</summary>
public sealed class InvoicePdfTests
{
    [Fact]
    public void NamesOfTheLongestAllowedLength_WrapInsideTheirOwnBlock_AndAreAllThere()
    {
        var seller = new string('S', 255); // one word: must be broken somewhere
        var buyer = string.Join(' ', Enumerable.Repeat("Bbbb", 52))[..255];
        var view = new InvoiceDetailView(1, "INV-0000001", "12/2/2026 05:00:00", "2026-12-02T05:00:00Z", seller, buyer,
            "$1.00", "15%", "$0.15", "$1.15", 1, "12/2/2026 05:00:00", "2026-12-02T05:00:00Z", null, null, "");

        using var pdf = PdfDocument.Open(InvoicePdf.Render(view, DateTimeOffset.UnixEpoch));

        var page = pdf.GetPage(1);
        var middle = page.Width / 2;
        var sellerLetters = page.Letters.Where(l => l.Value == "S" && IsName(l)).ToList();
        var buyerLetters = page.Letters.Where(l => l.Value is "B" or "b" && IsName(l)).ToList();
        Assert.Equal(255, sellerLetters.Count);
        Assert.Equal(buyer.Count(c => c is 'B' or 'b'), buyerLetters.Count);
        Assert.All(sellerLetters, l => Assert.True(l.BoundingBox.Right < middle, "a seller letter crosses into the buyer's block"));
        Assert.All(buyerLetters, l => Assert.True(l.BoundingBox.Left > middle && l.BoundingBox.Right < page.Width, "a buyer letter is outside its block"));
        Assert.True(sellerLetters.Select(l => Math.Round(l.BoundingBox.Bottom)).Distinct().Count() > 1, "the long name takes several lines");
    }

    // The names are the only bold body-size text with these letters (headings are smaller, "Subtotal" is regular).
    private static bool IsName(UglyToad.PdfPig.Content.Letter letter) =>
        letter.PointSize > 10 && (letter.FontName?.Contains("Bold", StringComparison.Ordinal) ?? false);
}
