namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>How far past its due date an open balance is, in the buckets of an aging report.</summary>
public enum AgingBucket
{
    Current = 0,
    Days1To30 = 1,
    Days31To60 = 2,
    Days61To90 = 3,
    Over90 = 4,
}
