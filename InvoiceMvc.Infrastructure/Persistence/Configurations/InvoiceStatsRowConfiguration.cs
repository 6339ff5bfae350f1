using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class InvoiceStatsRowConfiguration : IEntityTypeConfiguration<InvoiceStatsRow>
{
    public void Configure(EntityTypeBuilder<InvoiceStatsRow> e)
    {
        e.ToTable("invoice_stats", t =>
        {
            t.HasCheckConstraint("ck_invoice_stats_single_row", "id = 1");
            t.HasCheckConstraint("ck_invoice_stats_non_negative", "invoice_count >= 0 AND total_amount >= 0 AND vat_amount >= 0");
        });
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        // Running sums of many invoices: wider than one invoice's numeric(12,2).
        e.Property(x => x.TotalAmount).HasPrecision(18, 2);
        e.Property(x => x.VatAmount).HasPrecision(18, 2);
        e.HasData(new InvoiceStatsRow { Id = 1 });
    }
}
