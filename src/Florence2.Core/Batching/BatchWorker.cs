using Microsoft.Extensions.Logging;

namespace Florence2.Batching;

/// <summary>
/// Feeds one model instance, one batch at a time, on a dedicated thread: the executor runs synchronously and is
/// compute-bound, so it must not hold a thread-pool thread.
/// </summary>
internal sealed class BatchWorker(
    int instanceIndex,
    BatchFormer former,
    Action<int, IReadOnlyList<PendingRequest>> runBatch,
    ILogger logger,
    CancellationToken stopping)
{
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the worker's thread has ended.</summary>
    public Task Stopped => _stopped.Task;

    public void Start() =>
        new Thread(Loop) { IsBackground = true, Name = $"Florence2 batch worker {instanceIndex}" }.Start();

    private void Loop()
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                IReadOnlyList<PendingRequest> batch;
                try
                {
                    // Blocking is fine: this thread exists only to serve this instance.
                    batch = former.NextBatchAsync(stopping).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                runBatch(instanceIndex, batch);
            }
        }
        catch (Exception ex)
        {
            logger.WorkerCrashed(ex, instanceIndex);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}
