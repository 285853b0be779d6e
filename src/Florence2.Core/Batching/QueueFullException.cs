namespace Florence2.Batching;

/// <summary>The queue already holds <see cref="MaxQueueSize"/> requests; the request was refused without waiting.</summary>
public sealed class QueueFullException(int maxQueueSize, TimeSpan retryAfter)
    : Exception($"The inference queue is full ({maxQueueSize} requests waiting); retry in about {retryAfter.TotalSeconds:0} s.")
{
    /// <summary>The queue's capacity.</summary>
    public int MaxQueueSize { get; } = maxQueueSize;

    /// <summary>A suggested wait before retrying (for a <c>Retry-After</c> header).</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
