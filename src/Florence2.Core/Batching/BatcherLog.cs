using Microsoft.Extensions.Logging;

namespace Florence2.Batching;

/// <summary>The batcher's log events (source-generated, so disabled levels cost nothing).</summary>
internal static partial class BatcherLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Batcher started: {Instances} instance(s), {Mode} batching, max batch {MaxBatchSize}, delay {MaxQueueDelayMs} ms, queue {MaxQueueSize}")]
    public static partial void Started(this ILogger logger, int instances, BatchingMode mode, int maxBatchSize, int maxQueueDelayMs, int maxQueueSize);

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug,
        Message = "Instance {Instance}: {Joined} request(s) joined its running batch; {QueueDepth} left queued")]
    public static partial void Joined(this ILogger logger, int instance, int joined, int queueDepth);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug,
        Message = "Instance {Instance} runs a batch of {BatchSize}; {QueueDepth} left queued")]
    public static partial void BatchStarted(this ILogger logger, int instance, int batchSize, int queueDepth);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Instance {Instance} failed a batch of {BatchSize}")]
    public static partial void BatchFailed(this ILogger logger, Exception error, int instance, int batchSize);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Instance {Instance} returned no outcome for request {Index} of a batch of {BatchSize}")]
    public static partial void MissingOutcome(this ILogger logger, int instance, int index, int batchSize);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Instance {Instance} reported index {Index}, outside its batch of {BatchSize}")]
    public static partial void UnknownIndex(this ILogger logger, int instance, int index, int batchSize);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "A request timed out after {TimeoutMs} ms in the queue")]
    public static partial void QueueTimeout(this ILogger logger, double timeoutMs);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Queue full ({QueueDepth} waiting); request refused")]
    public static partial void QueueFull(this ILogger logger, int queueDepth);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug,
        Message = "Draining: {QueueDepth} queued and {Running} running request(s) to finish")]
    public static partial void Draining(this ILogger logger, int queueDepth, int running);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "Drained: no request queued or running")]
    public static partial void Drained(this ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning,
        Message = "Drain cut short: {Queued} queued request(s) cancelled, {Running} running request(s) being cancelled")]
    public static partial void DrainCancelled(this ILogger logger, int queued, int running);

    [LoggerMessage(EventId = 11, Level = LogLevel.Critical, Message = "Batch worker {Instance} stopped unexpectedly")]
    public static partial void WorkerCrashed(this ILogger logger, Exception error, int instance);
}
