using InvoiceMvc.Domain.Generation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace InvoiceMvc.Infrastructure.Persistence.Configurations;

internal sealed class GenerationRunConfiguration : IEntityTypeConfiguration<GenerationRun>
{
    public void Configure(EntityTypeBuilder<GenerationRun> e)
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
        e.Property(x => x.Id).UseIdentityByDefaultColumn();
        e.Property(x => x.Status).HasConversion<short>();
        e.Property(x => x.JobId).HasMaxLength(100);
        // The run's running sums (its count is `produced`), kept by the database with each invoice.
        e.Property(x => x.Subtotal).HasPrecision(18, 2).HasDefaultValue(0m);
        e.Property(x => x.VatAmount).HasPrecision(18, 2).HasDefaultValue(0m);
        e.Property(x => x.TotalAmount).HasPrecision(18, 2).HasDefaultValue(0m);
        // At most one active run, whoever asks and from whichever web instance.
        e.HasIndex(x => x.Status).IsUnique().HasFilter("status = 1").HasDatabaseName("ux_generation_runs_single_active");
        e.Ignore(x => x.IsActive);
        e.Ignore(x => x.Progress);
        e.Ignore(x => x.Remaining);
    }
}
