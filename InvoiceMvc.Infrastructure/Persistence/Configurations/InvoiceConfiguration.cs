using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Domain.Invoices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class InvoiceConfiguration : IEntityTypeConfiguration<Invoice>
{
    public void Configure(EntityTypeBuilder<Invoice> e)
    {
        e.ToTable("invoices", t =>
        {
            t.HasCheckConstraint("ck_invoices_subtotal_positive", "subtotal > 0");
            t.HasCheckConstraint("ck_invoices_vat_positive", "vat_amount > 0");
            // The domain's rule, restated: VAT = round(subtotal x rate, 2, half away from zero) with
            // rate = vat_rate stored per invoice; PostgreSQL's round(numeric) rounds half away from zero.
            t.HasCheckConstraint("ck_invoices_vat_rate", "vat_rate >= 0 AND vat_rate <= 1");
            t.HasCheckConstraint("ck_invoices_vat_rounding", "vat_amount = round(subtotal * vat_rate, 2)");
            t.HasCheckConstraint("ck_invoices_total", "total_amount = subtotal + vat_amount");
            t.HasCheckConstraint("ck_invoices_number_matches_id", "invoice_number = 'INV-' || lpad(id::text, greatest(7, length(id::text)), '0')");
            t.HasCheckConstraint("ck_invoices_sequence_positive", "sequence > 0");
        });
        e.HasKey(x => x.Id);
        // The generator numbers invoices itself (gapless, inside the tick's transaction).
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.InvoiceNumber).HasMaxLength(50);
        e.HasIndex(x => x.InvoiceNumber, "IX_invoices_invoice_number").IsUnique();
        e.HasIndex(x => new { x.RunId, x.Sequence }).IsUnique();
        e.Property(x => x.SellerName).HasMaxLength(255);
        e.Property(x => x.BuyerName).HasMaxLength(255);
        e.Property(x => x.Subtotal).HasPrecision(12, 2);
        e.Property(x => x.VatRate).HasPrecision(5, 4);
        e.Property(x => x.VatAmount).HasPrecision(12, 2);
        e.Property(x => x.TotalAmount).HasPrecision(12, 2);
        e.Property(x => x.CreatedAt).HasDefaultValueSql("now()");
        // The lifecycle's columns (Lifecycle migration): its CHECKs and triggers are raw SQL there.
        e.Property(x => x.PaidAmount).HasPrecision(14, 2).HasDefaultValue(0m);
        e.Property(x => x.VoidedBy).HasColumnType("text");
        e.Property(x => x.VoidReason).HasColumnType("text");
        e.HasOne<GenerationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Party>().WithMany().HasForeignKey(x => x.SellerId).OnDelete(DeleteBehavior.Restrict);
        e.HasOne<Party>().WithMany().HasForeignKey(x => x.BuyerId).OnDelete(DeleteBehavior.Restrict);

        // The explorer's keyset paging: every sort key with id as the tie-break, and each equality filter with id.
        e.HasIndex(x => new { x.InvoiceDate, x.Id });
        e.HasIndex(x => new { x.SellerName, x.Id });
        e.HasIndex(x => new { x.BuyerName, x.Id });
        e.HasIndex(x => new { x.Subtotal, x.Id });
        e.HasIndex(x => new { x.VatAmount, x.Id });
        e.HasIndex(x => new { x.TotalAmount, x.Id });
        e.HasIndex(x => new { x.SellerId, x.Id });
        e.HasIndex(x => new { x.BuyerId, x.Id });
        e.HasIndex(x => new { x.RunId, x.Id });
        // Contains-search over the number (names are searched through the parties).
        // fastupdate off: each insert updates the index itself, so no tick ever pays for merging a pending list (decision 015).
        e.HasIndex(x => x.InvoiceNumber, "ix_invoices_number_trgm").HasDatabaseName("ix_invoices_number_trgm").HasMethod("gin").HasOperators("gin_trgm_ops")
            .HasStorageParameter("fastupdate", false);
    }
}
