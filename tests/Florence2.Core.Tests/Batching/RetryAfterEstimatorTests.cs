using Florence2.Batching;

namespace Florence2.Tests.Batching;

public sealed class RetryAfterEstimatorTests
{
    [Fact]
    public void Without_history_it_suggests_the_minimum()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), new RetryAfterEstimator(8, 1).Estimate(256));
    }

    [Fact]
    public void It_scales_with_the_batches_ahead_spread_over_instances_within_bounds()
    {
        var estimator = new RetryAfterEstimator(maxBatchSize: 4, instances: 2);
        estimator.RecordBatch(TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromSeconds(2), estimator.Estimate(queuedRequests: 7));   // 8 requests = 1 round of batches
        Assert.Equal(TimeSpan.FromSeconds(4), estimator.Estimate(queuedRequests: 8));   // 9 requests = 2 rounds
        Assert.Equal(TimeSpan.FromSeconds(60), estimator.Estimate(queuedRequests: 10_000));
    }
}
