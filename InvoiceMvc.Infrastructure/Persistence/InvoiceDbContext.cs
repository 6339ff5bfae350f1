using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure.Audit;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using InvoiceMvc.Domain.Invoices;
using Microsoft.EntityFrameworkCore;

namespace InvoiceMvc.Infrastructure.Persistence;

// Identity's users and roles live in the same database and migrations as the invoices: one schema step, one backup.
public sealed class InvoiceDbContext(DbContextOptions<InvoiceDbContext> options) : IdentityDbContext<IdentityUser>(options), IDataProtectionKeyContext
{
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<GenerationRun> GenerationRuns => Set<GenerationRun>();
    public DbSet<InvoiceStatsRow> InvoiceStats => Set<InvoiceStatsRow>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    // The key ring every instance shares (PersistKeysToDbContext); the package's entity on our table and columns.
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(x => x.FriendlyName).HasColumnName("friendly_name").HasMaxLength(256);
            e.Property(x => x.Xml).HasColumnName("xml").IsRequired();
        });

        builder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(x => x.OccurredAt).HasColumnName("occurred_at");
            e.Property(x => x.UserName).HasColumnName("user_name").HasMaxLength(256);
            e.Property(x => x.RemoteAddress).HasColumnName("remote_address").HasMaxLength(64);
            e.Property(x => x.Action).HasColumnName("action").HasMaxLength(32);
            e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(32);
            e.Property(x => x.RunId).HasColumnName("run_id");
            e.HasIndex(x => x.OccurredAt);
        });

        builder.Entity<Invoice>(e =>
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
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.InvoiceNumber).HasColumnName("invoice_number").HasMaxLength(50);
            e.HasIndex(x => x.InvoiceNumber).IsUnique();
            e.Property(x => x.RunId).HasColumnName("run_id");
            e.Property(x => x.Sequence).HasColumnName("sequence");
            e.HasIndex(x => new { x.RunId, x.Sequence }).IsUnique();
            e.Property(x => x.InvoiceDate).HasColumnName("invoice_date");
            e.Property(x => x.SellerName).HasColumnName("seller_name").HasMaxLength(255);
            e.Property(x => x.BuyerName).HasColumnName("buyer_name").HasMaxLength(255);
            e.Property(x => x.Subtotal).HasColumnName("subtotal").HasPrecision(12, 2);
            e.Property(x => x.VatRate).HasColumnName("vat_rate").HasPrecision(5, 4);
            e.Property(x => x.VatAmount).HasColumnName("vat_amount").HasPrecision(12, 2);
            e.Property(x => x.TotalAmount).HasColumnName("total_amount").HasPrecision(12, 2);
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasDefaultValueSql("now()");
            e.HasOne<GenerationRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<GenerationRun>(e =>
        {
            e.ToTable("generation_runs", t =>
            {
                t.HasCheckConstraint("ck_runs_status", "status IN (1, 2, 3, 4)");
                t.HasCheckConstraint("ck_runs_rate_positive", "rate_per_second > 0");
                t.HasCheckConstraint("ck_runs_target_positive", "target > 0");
                t.HasCheckConstraint("ck_runs_produced_range", "produced >= 0 AND produced <= target");
                t.HasCheckConstraint("ck_runs_completed_means_target", "status <> 3 OR produced = target");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(x => x.Status).HasColumnName("status").HasConversion<short>();
            e.Property(x => x.RatePerSecond).HasColumnName("rate_per_second");
            e.Property(x => x.Target).HasColumnName("target");
            e.Property(x => x.Produced).HasColumnName("produced");
            e.Property(x => x.StartedAt).HasColumnName("started_at");
            e.Property(x => x.EndedAt).HasColumnName("ended_at");
            e.Property(x => x.JobId).HasColumnName("job_id").HasMaxLength(100);
            e.Property(x => x.LastTickAt).HasColumnName("last_tick_at");
            // At most one active run, whoever asks and from whichever web instance.
            e.HasIndex(x => x.Status).IsUnique().HasFilter("status = 1").HasDatabaseName("ux_generation_runs_single_active");
            e.Ignore(x => x.IsActive);
            e.Ignore(x => x.Progress);
            e.Ignore(x => x.Remaining);
        });

        builder.Entity<InvoiceStatsRow>(e =>
        {
            e.ToTable("invoice_stats", t =>
            {
                t.HasCheckConstraint("ck_invoice_stats_single_row", "id = 1");
                t.HasCheckConstraint("ck_invoice_stats_non_negative", "invoice_count >= 0 AND total_amount >= 0 AND vat_amount >= 0");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.InvoiceCount).HasColumnName("invoice_count");
            e.Property(x => x.TotalAmount).HasColumnName("total_amount").HasPrecision(18, 2);
            e.Property(x => x.VatAmount).HasColumnName("vat_amount").HasPrecision(18, 2);
            e.Property(x => x.LastInvoiceId).HasColumnName("last_invoice_id");
            e.HasData(new InvoiceStatsRow { Id = 1 });
        });
    }
}

/// <summary>The one-row table of running totals: the source of truth the Redis cache is rebuilt from.</summary>
public sealed class InvoiceStatsRow
{
    public int Id { get; init; }
    public long InvoiceCount { get; init; }
    public decimal TotalAmount { get; init; }
    public decimal VatAmount { get; init; }
    public long LastInvoiceId { get; init; }
}
