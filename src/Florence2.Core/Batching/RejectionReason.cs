namespace Florence2.Batching;

/// <summary>Values of the <c>reason</c> tag of <c>florence2_rejections_total</c>: why a request never ran.</summary>
public static class RejectionReason
{
    /// <summary>The queue was at <see cref="BatchingOptions.MaxQueueSize"/>.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>The queue deadline passed while the request waited.</summary>
    public const string Timeout = "timeout";

    /// <summary>The caller (or a cancelled drain) cancelled it while it waited.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The batcher was draining or stopped.</summary>
    public const string Unavailable = "unavailable";
}
