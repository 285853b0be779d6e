namespace Florence2.Batching;

/// <summary>The batcher is draining or stopped and accepts no new work (another replica should take it).</summary>
public sealed class BatcherUnavailableException(TimeSpan retryAfter)
    : Exception("The inference batcher is shutting down and accepts no new requests.")
{
    /// <summary>A suggested wait before retrying (for a <c>Retry-After</c> header).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
