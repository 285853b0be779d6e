using Florence2.Inference;
using Microsoft.Extensions.Logging;

namespace Florence2.Batching;

/// <summary>
/// Runs one formed batch on one executor and turns its outcomes into answers, each delivered as soon as the executor
/// reports it. With a <see cref="JoinPolicy"/> (continuous batching) requests taken from the queue join the batch
/// while it runs. Guards against executors that throw, omit outcomes, or report twice: every request, joiners
/// included, is answered and released exactly once.
/// </summary>
internal sealed class BatchExecution(
    IReadOnlyList<PendingRequest> batch,
    int instanceIndex,
    RequestQueue queue,
    TimeProvider time,
    BatcherMetrics? metrics,
    ILogger logger,
    JoinPolicy? joining = null)
{
    /// <summary>The batch's requests, then the joiners in the order they joined (their index is their place here).</summary>
    private readonly List<PendingRequest> _requests = [.. batch];
    private readonly List<double> _queueMs = [];

    /// <summary>Per request, the requests decoding together when it entered: the batch, or the joiners and those still running.</summary>
    private readonly List<int> _sharing = [];
    private int _released;

    public void Run(IBatchExecutor executor, CancellationToken abortBatch)
    {
        long started = time.GetTimestamp();
        metrics?.RecordBatchSize(batch.Count);
        var requests = Enter(batch, started, batch.Count);
        logger.BatchStarted(instanceIndex, batch.Count, queue.Count);

        IReadOnlyList<EngineOutcome>? outcomes = null;
        Exception? failure = null;
        try
        {
            outcomes = joining is null
                ? executor.RunBatch(requests, Finish, abortBatch)
                : executor.RunBatch(requests, Finish, TakeJoiners, abortBatch);
        }
        catch (Exception ex)
        {
            failure = ex;
            if (!(ex is OperationCanceledException && abortBatch.IsCancellationRequested))
                logger.BatchFailed(ex, instanceIndex, _requests.Count);
        }

        // Whatever the callbacks did not report: the returned outcomes, else the failure, else a protocol error.
        for (int i = 0; i < _requests.Count; i++)
        {
            if (outcomes is not null && i < outcomes.Count && outcomes[i] is { } outcome) Finish(i, outcome);
            else Finish(i, Substitute(failure, abortBatch, i));
        }
    }

    /// <summary>Records <paramref name="entering"/> as running in this batch from <paramref name="now"/>; returns them as the executor sees them.</summary>
    private EngineRequest[] Enter(IReadOnlyList<PendingRequest> entering, long now, int sharing)
    {
        var requests = new EngineRequest[entering.Count];
        for (int i = 0; i < entering.Count; i++)
        {
            var waited = time.GetElapsedTime(entering[i].AdmittedTimestamp, now);
            _queueMs.Add(waited.TotalMilliseconds);
            _sharing.Add(sharing);
            metrics?.RecordQueueDuration(waited);
            requests[i] = entering[i].ForExecutor();
        }
        return requests;
    }

    /// <summary>The executor asks between decoder steps (on this worker's thread): queued requests that join now.</summary>
    private IReadOnlyList<EngineRequest> TakeJoiners(int rowsInUse)
    {
        var joiners = joining!.TakeJoiners(queue, _requests[0].Key, rowsInUse);
        if (joiners.Count == 0) return [];
        int stillRunning = _requests.Count - Volatile.Read(ref _released);
        _requests.AddRange(joiners);
        metrics?.RecordJoined(joiners.Count);
        logger.Joined(instanceIndex, joiners.Count, queue.Count);
        return Enter(joiners, time.GetTimestamp(), stillRunning + joiners.Count);
    }

    private EngineOutcome Substitute(Exception? failure, CancellationToken abortBatch, int index)
    {
        if (failure is OperationCanceledException && abortBatch.IsCancellationRequested) return EngineOutcome.Cancelled;
        if (failure is not null) return new EngineOutcome(EngineOutcomeStatus.Failed, Error: failure);
        if (_requests[index].Task.IsCompleted) return EngineOutcome.Cancelled; // already answered; only its release is due
        logger.MissingOutcome(instanceIndex, index, _requests.Count);
        return new EngineOutcome(EngineOutcomeStatus.Failed,
            Error: new InvalidOperationException("The model instance returned no outcome for this request."));
    }

    private void Finish(int index, EngineOutcome outcome)
    {
        if ((uint)index >= (uint)_requests.Count)
        {
            logger.UnknownIndex(instanceIndex, index, _requests.Count);
            return;
        }
        var request = _requests[index];
        if (!request.TryReleaseFromEngine()) return; // reported twice: the first report stands
        Interlocked.Increment(ref _released);
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
                request.TrySucceed(new BatchedResult(result, _queueMs[index], _sharing[index], instanceIndex));
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
