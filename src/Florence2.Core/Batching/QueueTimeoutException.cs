namespace Florence2.Batching;

/// <summary>The request waited in the queue past its deadline and was dropped before reaching the model.</summary>
public sealed class QueueTimeoutException(TimeSpan timeout)
    : TimeoutException($"The request waited in the inference queue for its whole deadline ({timeout.TotalMilliseconds:0} ms) and was not run.")
{
    /// <summary>The queue deadline that passed.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
