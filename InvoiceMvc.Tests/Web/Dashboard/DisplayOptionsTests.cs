using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Tests.Web.Dashboard;

public sealed class DisplayOptionsTests
{
    [Theory]
    [InlineData("Display:Culture", "xx-NOPE", "Display:Culture")]
    [InlineData("Display:Culture", "en", "Display:Culture")]
    [InlineData("Display:Currency", "ZZZ", "Display:Currency")]
    [InlineData("Display:RatePerSecond", "0", "Display:RatePerSecond")]
    public async Task BadDisplaySettings_FailStartUp_NamingTheKey(string key, string value, string named)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
