using InvoiceMvc.Infrastructure;
using InvoiceMvc.Web;

var builder = WebApplication.CreateBuilder(args);

builder.AddInfrastructure();
builder.AddWebServices();

var app = builder.Build();

// `dotnet InvoiceMvc.Web.dll --migrate` applies the EF Core migrations and exits: the explicit schema step.
if (args.Contains("--migrate"))
{
    await app.Services.MigrateDatabaseAsync();
    return;
}

app.UseWebPipeline();
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
