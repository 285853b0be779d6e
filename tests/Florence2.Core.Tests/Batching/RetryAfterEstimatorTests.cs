using Florence2.Batching;
using Microsoft.Extensions.Time.Testing;

namespace Florence2.Tests.Batching;

public sealed class RetryAfterEstimatorTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Without_history_it_suggests_the_minimum()
    {
        var estimator = new RetryAfterEstimator(8, 1, _time);
        Assert.Equal(TimeSpan.FromSeconds(1), estimator.Estimate(256));
        estimator.RecordAnswer();
        Assert.Equal(TimeSpan.FromSeconds(1), estimator.Estimate(256)); // one answer is no rate yet
    }

    [Fact]
    public void It_divides_the_requests_ahead_by_the_recent_answer_rate_within_bounds()
    {
        var estimator = new RetryAfterEstimator(maxBatchSize: 4, instances: 2, _time);
        for (int i = 0; i < 5; i++)
        {
            estimator.RecordAnswer();
            _time.Advance(TimeSpan.FromMilliseconds(500)); // two answers a second
        }

        Assert.Equal(TimeSpan.FromSeconds(4), estimator.Estimate(queuedRequests: 7));  // 8 requests ahead at 2/s
        Assert.Equal(TimeSpan.FromSeconds(5), estimator.Estimate(queuedRequests: 8));  // 9 → 4.5 s, rounded up
        Assert.Equal(TimeSpan.FromSeconds(60), estimator.Estimate(queuedRequests: 10_000));
    }

    [Fact]
    public void A_cohort_answering_together_is_read_over_the_rounds_remembered()
    {
        var estimator = new RetryAfterEstimator(maxBatchSize: 4, instances: 1, _time); // remembers 16 answers
        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < 4; i++) estimator.RecordAnswer(); // a batch of 4 ends: its answers at one instant
            _time.Advance(TimeSpan.FromSeconds(2));
        }

        // The last 16 answers span 3 rounds (6 s): 15 answers in 6 s = 2.5/s, so 10 requests ahead take 4 s.
        Assert.Equal(TimeSpan.FromSeconds(4), estimator.Estimate(queuedRequests: 9));
    }
}
