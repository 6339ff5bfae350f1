using System.Net;
using System.Net.Http.Headers;
using System.Text;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>Every answer carries a real status code, a malformed body included.</summary>
public sealed class StatusPageTests
{
    [Fact]
    public async Task AMalformedMultipartSignIn_Answers400WithAMessage()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var body = new StringContent("--some-other-boundary\r\nContent-Disposition: form-data; name=\"UserName\"\r\n\r\nadmin", Encoding.UTF8);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=the-declared-boundary");

        var response = await client.PostAsync("/account/login", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("could not be read", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Error 0", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Home/Status/0")]
    [InlineData("/Home/Status/200")]
    public async Task TheStatusPage_RefusesCodesThatAreNoErrors(string path)
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db);

        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
