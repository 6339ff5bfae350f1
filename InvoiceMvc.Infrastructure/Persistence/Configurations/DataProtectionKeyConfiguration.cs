using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

/// <summary>The package's key entity (PersistKeysToDbContext) on the table the migrations created.</summary>
internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> e)
    {
        e.ToTable("data_protection_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityByDefaultColumn();
        e.Property(x => x.FriendlyName).HasMaxLength(256);
        // The package declares Xml nullable; the migrated column is NOT NULL.
        e.Property(x => x.Xml).IsRequired();
    }
}
