using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class InvoiceBucketRowConfiguration : IEntityTypeConfiguration<InvoiceBucketRow>
{
    public void Configure(EntityTypeBuilder<InvoiceBucketRow> e)
    {
        e.ToTable("invoice_buckets", t =>
        {
            t.HasCheckConstraint("ck_invoice_buckets_grain", "grain IN (1, 2, 3)");
            t.HasCheckConstraint("ck_invoice_buckets_aligned",
                "bucket_start = date_trunc((ARRAY['minute', 'hour', 'day'])[grain], bucket_start, 'UTC')");
            t.HasCheckConstraint("ck_invoice_buckets_non_negative", "invoice_count >= 0 AND subtotal >= 0 AND vat_amount >= 0");
            t.HasCheckConstraint("ck_invoice_buckets_total", "total_amount = subtotal + vat_amount");
        });
        e.HasKey(x => new { x.Grain, x.BucketStart });
        e.Property(x => x.Subtotal).HasPrecision(18, 2);
        e.Property(x => x.VatAmount).HasPrecision(18, 2);
        e.Property(x => x.TotalAmount).HasPrecision(18, 2);
    }
}
