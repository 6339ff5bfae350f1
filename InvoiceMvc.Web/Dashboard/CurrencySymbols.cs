using System.Globalization;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>The symbol of an ISO 4217 currency, as written in the culture closest to the display culture.</summary>
internal static class CurrencySymbols
{
    public static string? Find(string isoCode, CultureInfo display)
    {
        if (string.Equals(new RegionInfo(display.Name).ISOCurrencySymbol, isoCode, StringComparison.OrdinalIgnoreCase))
        {
            return display.NumberFormat.CurrencySymbol;
        }

        string? fallback = null;
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            RegionInfo region;
            try
            {
                region = new RegionInfo(culture.Name);
            }
            catch (ArgumentException)
            {
                continue;
            }

            if (!string.Equals(region.ISOCurrencySymbol, isoCode, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Prefer the display language's own spelling ("$" in en-US, "US$" elsewhere).
            if (culture.TwoLetterISOLanguageName == display.TwoLetterISOLanguageName)
            {
                return culture.NumberFormat.CurrencySymbol;
            }

            fallback ??= culture.NumberFormat.CurrencySymbol;
        }

        return fallback;
    }
}
