using InvoiceMvc.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        e.ToTable("audit_log");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityByDefaultColumn();
        e.Property(x => x.UserName).HasMaxLength(256);
        e.Property(x => x.RemoteAddress).HasMaxLength(64);
        e.Property(x => x.Action).HasMaxLength(32);
        e.Property(x => x.Outcome).HasMaxLength(32);
        e.HasIndex(x => x.OccurredAt);
    }
}
