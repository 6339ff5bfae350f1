namespace InvoiceMvc.Tests.Fixtures;

/// <summary>
/// Tests that run generation jobs or measure time run alone, after the parallel ones: timings are not
/// skewed by other tests' load, and no other app starts or stops while their Hangfire job runs.
/// </summary>
[CollectionDefinition(nameof(SerialCollection), DisableParallelization = true)]
public sealed class SerialCollection;
