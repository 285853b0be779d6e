using Florence2.Inference;
using Microsoft.Extensions.Logging;

namespace Florence2.Batching;

/// <summary>
/// Runs one formed batch on one executor and turns its outcomes into answers, each delivered as soon as the executor
/// reports it. Guards against executors that throw, omit outcomes, or report twice: every request is answered and
/// released exactly once.
/// </summary>
internal sealed class BatchExecution(
    IReadOnlyList<PendingRequest> batch,
    int instanceIndex,
    RequestQueue queue,
    TimeProvider time,
    BatcherMetrics? metrics,
    ILogger logger)
{
    private readonly double[] _queueMs = new double[batch.Count];

    public void Run(IBatchExecutor executor, CancellationToken abortBatch)
    {
        long started = time.GetTimestamp();
        metrics?.RecordBatchSize(batch.Count);
        var requests = new EngineRequest[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            var waited = time.GetElapsedTime(batch[i].AdmittedTimestamp, started);
            _queueMs[i] = waited.TotalMilliseconds;
            metrics?.RecordQueueDuration(waited);
            requests[i] = batch[i].ForExecutor();
        }
        logger.BatchStarted(instanceIndex, batch.Count, queue.Count);

        IReadOnlyList<EngineOutcome>? outcomes = null;
        Exception? failure = null;
        try
        {
            outcomes = executor.RunBatch(requests, Finish, abortBatch);
        }
        catch (Exception ex)
        {
            failure = ex;
            if (!(ex is OperationCanceledException && abortBatch.IsCancellationRequested))
                logger.BatchFailed(ex, instanceIndex, batch.Count);
        }

        // Whatever the callbacks did not report: the returned outcomes, else the failure, else a protocol error.
        for (int i = 0; i < batch.Count; i++)
        {
            if (outcomes is not null && i < outcomes.Count && outcomes[i] is { } outcome) Finish(i, outcome);
            else Finish(i, Substitute(failure, abortBatch, i));
        }
    }

    private EngineOutcome Substitute(Exception? failure, CancellationToken abortBatch, int index)
    {
        if (failure is OperationCanceledException && abortBatch.IsCancellationRequested) return EngineOutcome.Cancelled;
        if (failure is not null) return new EngineOutcome(EngineOutcomeStatus.Failed, Error: failure);
        if (batch[index].Task.IsCompleted) return EngineOutcome.Cancelled; // already answered; only its release is due
        logger.MissingOutcome(instanceIndex, index, batch.Count);
        return new EngineOutcome(EngineOutcomeStatus.Failed,
            Error: new InvalidOperationException("The model instance returned no outcome for this request."));
    }

    private void Finish(int index, EngineOutcome outcome)
    {
        if ((uint)index >= (uint)batch.Count)
        {
            logger.UnknownIndex(instanceIndex, index, batch.Count);
            return;
        }
        var request = batch[index];
        if (!request.TryReleaseFromEngine()) return; // reported twice: the first report stands
        Deliver(request, index, outcome);
        // Released after delivery so that a drain completes only once every answer is out.
        queue.ReleaseRunning();
        request.Dispose();
    }

    private void Deliver(PendingRequest request, int index, EngineOutcome outcome)
    {
        switch (outcome.Status)
        {
            case EngineOutcomeStatus.Completed when outcome.Result is { } result:
                metrics?.RecordCompleted(result);
                request.TrySucceed(new BatchedResult(result, _queueMs[index], batch.Count, instanceIndex));
                break;
            case EngineOutcomeStatus.Completed:
                request.TryFail(new InvalidOperationException("The model instance reported completion without a result."));
                break;
            case EngineOutcomeStatus.Failed:
                request.TryFail(outcome.Error ?? new InvalidOperationException("The model instance failed this request."));
                break;
            default:
                request.TryCancel();
                break;
        }
    }
}
