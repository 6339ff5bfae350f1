using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>How the dashboard shows things: the per-viewer row rate and the culture of numbers, money and dates.</summary>
public sealed class DisplayOptions
{
    public const string SectionName = "Display";

    /// <summary>Invoice rows each viewer receives per second (2 by default: readable).</summary>
    [Range(1, 100, ErrorMessage = "Display:RatePerSecond must be between 1 and 100.")]
    public int RatePerSecond { get; set; } = 2;

    /// <summary>A specific culture name (en-US, de-DE, ...) for numbers, money and dates.</summary>
    [Required(ErrorMessage = "Display:Culture is required.")]
    public string Culture { get; set; } = "en-US";

    /// <summary>ISO 4217 code of the money shown (USD, EUR, ...); empty = the currency of <see cref="Culture"/>.</summary>
    public string? Currency { get; set; }
}

/// <summary>Checks what data annotations cannot: that the culture and currency exist on this machine.</summary>
public sealed class DisplayOptionsValidator : IValidateOptions<DisplayOptions>
{
    public ValidateOptionsResult Validate(string? name, DisplayOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Culture))
        {
            return ValidateOptionsResult.Skip; // the [Required] message covers it
        }

        if (!TryGetCulture(options.Culture, out var culture))
        {
            return ValidateOptionsResult.Fail($"Display:Culture '{options.Culture}' is not a known specific culture (use a name such as en-US or de-DE).");
        }

        if (!string.IsNullOrEmpty(options.Currency) && CurrencySymbols.Find(options.Currency, culture) is null)
        {
            return ValidateOptionsResult.Fail($"Display:Currency '{options.Currency}' is not a known ISO 4217 currency code (use a code such as USD or EUR).");
        }

        return ValidateOptionsResult.Success;
    }

    internal static bool TryGetCulture(string name, out CultureInfo culture)
    {
        try
        {
            culture = CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return !culture.IsNeutralCulture && !Equals(culture, CultureInfo.InvariantCulture);
        }
        catch (CultureNotFoundException)
        {
            culture = CultureInfo.InvariantCulture;
            return false;
        }
    }
}
