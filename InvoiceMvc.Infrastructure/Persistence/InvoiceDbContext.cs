using InvoiceMvc.Infrastructure.Audit;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using InvoiceMvc.Domain.Invoices;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// Identity's users and roles live in the same database and migrations as the invoices: one schema
/// step, one backup. Each entity's mapping is in Configurations/; column names come from the
/// snake_case naming convention (invoice_number, vat_amount, ...).
/// </summary>
public sealed class InvoiceDbContext(DbContextOptions<InvoiceDbContext> options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    // The key ring every instance shares (PersistKeysToDbContext).
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        // Here rather than at each UseNpgsql: the app, the design-time factory and the tests get the same names.
        optionsBuilder.UseSnakeCaseNamingConvention();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");
        builder.ApplyConfigurationsFromAssembly(typeof(InvoiceDbContext).Assembly);
        KeepNamesAsMigrated(builder.Model);
    }

    /// <summary>
    /// The convention would also rename what the migrations already created: Identity's columns
    /// (UserName to user_name) and every key, foreign key and index (PK_invoices to pk_invoices).
    /// Those keep EF's default names, so the schema is exactly the migrated one (a new migration
    /// of this model is empty).
    /// </summary>
    private static void KeepNamesAsMigrated(IMutableModel model)
    {
        foreach (var entity in model.GetEntityTypes().Where(e => e.ClrType.Namespace == typeof(IdentityUser).Namespace))
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(property.Name);
            }
        }

        foreach (var entity in model.GetEntityTypes())
        {
            foreach (var key in entity.GetDeclaredKeys())
            {
                key.SetName(key.GetDefaultName());
            }

            foreach (var foreignKey in entity.GetDeclaredForeignKeys())
            {
                foreignKey.SetConstraintName(foreignKey.GetDefaultName());
            }

            // Names chosen in a configuration (ux_generation_runs_single_active) stay.
            foreach (var index in entity.GetDeclaredIndexes().Where(i => ((IConventionIndex)i).GetDatabaseNameConfigurationSource() is not ConfigurationSource.Explicit))
            {
                index.SetDatabaseName(index.GetDefaultDatabaseName());
            }
        }
    }
}
