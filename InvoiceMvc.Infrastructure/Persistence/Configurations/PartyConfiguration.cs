using InvoiceMvc.Domain.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class PartyConfiguration : IEntityTypeConfiguration<Party>
{
    public void Configure(EntityTypeBuilder<Party> e)
    {
        e.ToTable("parties", t => t.HasCheckConstraint("ck_parties_kind", "kind IN (1, 2)"));
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityByDefaultColumn();
        e.Property(x => x.Name).HasMaxLength(255);
        e.Property(x => x.Kind).HasConversion<short>();
        e.Property(x => x.CreatedAt).HasDefaultValueSql("now()");
        e.HasIndex(x => new { x.Kind, x.Name }).IsUnique();
        // The free-text search resolves names to parties: contains, case-insensitive.
        e.HasIndex(x => x.Name, "ix_parties_name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}
