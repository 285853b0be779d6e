namespace Florence2.Batching;

/// <summary>
/// Suggests how long a refused client should wait: the batches ahead of it times the recent batch duration, spread
/// over the instances. A smoothed average keeps one slow batch from swinging the advice.
/// </summary>
internal sealed class RetryAfterEstimator(int maxBatchSize, int instances)
{
    /// <summary>HTTP's Retry-After has one-second resolution, and retrying sooner would just be refused again.</summary>
    internal static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan Maximum = TimeSpan.FromSeconds(60);

    private const double Smoothing = 0.2;
    private readonly Lock _lock = new();
    private double _averageBatchSeconds;

    public void RecordBatch(TimeSpan duration)
    {
        lock (_lock)
            _averageBatchSeconds = _averageBatchSeconds == 0
                ? duration.TotalSeconds
                : _averageBatchSeconds + Smoothing * (duration.TotalSeconds - _averageBatchSeconds);
    }

    public TimeSpan Estimate(int queuedRequests)
    {
        double average;
        lock (_lock) average = _averageBatchSeconds;
        double batchesAhead = Math.Ceiling((queuedRequests + 1) / (double)(maxBatchSize * instances));
        double seconds = Math.Ceiling(batchesAhead * average);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, Minimum.TotalSeconds, Maximum.TotalSeconds));
    }
}
