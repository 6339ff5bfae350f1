using InvoiceMvc.Domain.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class PartyTotalsRowConfiguration : IEntityTypeConfiguration<PartyTotalsRow>
{
    public void Configure(EntityTypeBuilder<PartyTotalsRow> e)
    {
        e.ToTable("party_totals", t =>
        {
            t.HasCheckConstraint("ck_party_totals_non_negative", "invoice_count >= 0 AND subtotal >= 0 AND vat_amount >= 0");
            t.HasCheckConstraint("ck_party_totals_total", "total_amount = subtotal + vat_amount");
        });
        e.HasKey(x => x.PartyId);
        e.Property(x => x.PartyId).ValueGeneratedNever();
        e.Property(x => x.Subtotal).HasPrecision(18, 2);
        e.Property(x => x.VatAmount).HasPrecision(18, 2);
        e.Property(x => x.TotalAmount).HasPrecision(18, 2);
        e.HasOne<Party>().WithOne().HasForeignKey<PartyTotalsRow>(x => x.PartyId).OnDelete(DeleteBehavior.Cascade);
    }
}
