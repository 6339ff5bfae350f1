using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without starting the web app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<InvoiceDbContext>
{
    public InvoiceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<InvoiceDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=invoicemvc_design")
            .Options);
}
