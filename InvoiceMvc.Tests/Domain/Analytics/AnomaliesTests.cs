using InvoiceMvc.Domain.Analytics;

namespace InvoiceMvc.Tests.Domain.Analytics;

public sealed class AnomaliesTests
{
    [Fact]
    public void Detect_MarksABucketFarFromTheMovingAverageOfTheTenBefore()
    {
        // Ten buckets alternating 90/110: mean 100, standard deviation 10. Then 125 (2.5 sd: anomaly),
        // 115 and 85 (about 1.5 sd from their windows' means: not).
        decimal[] series = [90, 110, 90, 110, 90, 110, 90, 110, 90, 110, 125, 115, 85];
        var found = Anomalies.Detect(series);

        var a = Assert.Single(found);
        Assert.Equal(10, a.Index);
        Assert.Equal(125m, a.Value);
        Assert.Equal(100m, a.MovingAverage);
        Assert.Equal(2.5, a.Deviations, 6);
        Assert.True(a.IsHigh);
    }

    [Fact]
    public void Detect_MarksADropBelowToo_AndNothingBeforeTheWindowIsFull()
    {
        decimal[] series = [90, 110, 90, 110, 90, 110, 90, 110, 90, 110, 50];
        var a = Assert.Single(Anomalies.Detect(series));
        Assert.Equal(10, a.Index);
        Assert.False(a.IsHigh);
        Assert.Empty(Anomalies.Detect(series[..10]));
    }

    [Fact]
    public void Detect_ExactlyTwoDeviationsOff_IsNotAnAnomaly()
    {
        decimal[] series = [90, 110, 90, 110, 90, 110, 90, 110, 90, 110, 120];
        Assert.Empty(Anomalies.Detect(series));
    }

    [Fact]
    public void Detect_AfterAFlatHistory_AnyChangeIsAnAnomaly_AndNoChangeIsNot()
    {
        decimal[] flat = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
        var a = Assert.Single(Anomalies.Detect(flat));
        Assert.Equal(11, a.Index);
        Assert.True(double.IsPositiveInfinity(a.Deviations));
    }
}
