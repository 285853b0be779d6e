namespace Florence2.Batching;

/// <summary>
/// Suggests how long a refused client should wait: the requests ahead of it (those queued, and itself) divided by the
/// rate at which the instances have recently answered.
/// </summary>
/// <remarks>
/// The rate comes from answers, not from batches ending: a continuous batch that requests keep joining may not end
/// for as long as traffic lasts, yet answers leave it all the time. The recent answers span several rounds of full
/// batches, so a cohort's answers arriving together do not swing the advice.
/// </remarks>
internal sealed class RetryAfterEstimator
{
    /// <summary>HTTP's Retry-After has one-second resolution, and retrying sooner would just be refused again.</summary>
    internal static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan Maximum = TimeSpan.FromSeconds(60);

    /// <summary>Rounds of full batches (over all instances) the remembered answers cover.</summary>
    private const int RoundsRemembered = 4;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    /// <summary>Timestamps of the latest answers, oldest overwritten first.</summary>
    private readonly long[] _answers;
    private int _count;
    private int _next;

    public RetryAfterEstimator(int maxBatchSize, int instances, TimeProvider time)
    {
        _time = time;
        _answers = new long[Math.Max(16, RoundsRemembered * maxBatchSize * instances)];
    }

    /// <summary>An instance answered a request now (whatever the outcome: the request left the engine).</summary>
    public void RecordAnswer()
    {
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            _answers[_next] = now;
            _next = (_next + 1) % _answers.Length;
            _count = Math.Min(_count + 1, _answers.Length);
        }
    }

    public TimeSpan Estimate(int queuedRequests)
    {
        long oldest, newest;
        int count;
        lock (_lock)
        {
            count = _count;
            newest = _answers[(_next - 1 + _answers.Length) % _answers.Length];
            oldest = _answers[(_next - count + _answers.Length) % _answers.Length];
        }
        double span = count < 2 ? 0 : _time.GetElapsedTime(oldest, newest).TotalSeconds;
        if (span <= 0) return Minimum; // no history yet (or one burst): the soonest sensible retry
        double answersPerSecond = (count - 1) / span;
        double seconds = Math.Ceiling((queuedRequests + 1) / answersPerSecond);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, Minimum.TotalSeconds, Maximum.TotalSeconds));
    }
}
