using InvoiceMvc.Domain.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class PartyDayRowConfiguration : IEntityTypeConfiguration<PartyDayRow>
{
    public void Configure(EntityTypeBuilder<PartyDayRow> e)
    {
        e.ToTable("party_days", t =>
        {
            t.HasCheckConstraint("ck_party_days_kind", "kind IN (1, 2)");
            t.HasCheckConstraint("ck_party_days_non_negative", "invoice_count >= 0 AND subtotal >= 0 AND vat_amount >= 0");
            t.HasCheckConstraint("ck_party_days_total", "total_amount = subtotal + vat_amount");
        });
        // Kind and day first: a ranking reads one kind's rows of a date range.
        e.HasKey(x => new { x.Kind, x.Day, x.PartyId });
        e.Property(x => x.Subtotal).HasPrecision(18, 2);
        e.Property(x => x.VatAmount).HasPrecision(18, 2);
        e.Property(x => x.TotalAmount).HasPrecision(18, 2);
        e.HasOne<Party>().WithMany().HasForeignKey(x => x.PartyId).OnDelete(DeleteBehavior.Cascade);
    }
}
