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
    RetryAfterEstimator? retryAfter = null,
    JoinPolicy? joining = null)
{
    /// <summary>
    /// The requests the executor holds, by index (the batch's, then joiners in the order they joined). A batch that
    /// requests keep joining runs for as long as they keep coming, so each leaves this table once answered.
    /// </summary>
    private readonly Dictionary<int, Running> _running = [];
    private readonly Lock _lock = new();
    private readonly BatchCompatibilityKey _key = batch[0].Key;
    private readonly JoinDeferral? _deferral = joining?.NewDeferral(time);

    /// <summary>Requests that entered so far: the index the next joiner gets.</summary>
    private int _entered;

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
            if (joining is null) outcomes = executor.RunBatch(requests, Finish, abortBatch);
            else executor.RunBatch(requests, Finish, TakeJoiners, abortBatch);
        }
        catch (Exception ex)
        {
            failure = ex;
            if (!(ex is OperationCanceledException && abortBatch.IsCancellationRequested))
                logger.BatchFailed(ex, instanceIndex, _entered);
        }

        // Whatever the callbacks did not report: the returned outcomes, else the failure, else a protocol error.
        int[] unreported;
        lock (_lock) unreported = [.. _running.Keys.Order()];
        foreach (int i in unreported)
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
            lock (_lock) _running.Add(_entered++, new Running(entering[i], waited.TotalMilliseconds, sharing));
            metrics?.RecordQueueDuration(waited);
            requests[i] = entering[i].ForExecutor();
        }
        return requests;
    }

    /// <summary>The executor asks between decoder steps (on this worker's thread): queued requests that join now.</summary>
    private IReadOnlyList<EngineRequest> TakeJoiners(JoinMoment moment)
    {
        if (_deferral?.HoldBack(moment) == true) return [];
        var joiners = joining!.TakeJoiners(queue, _key, moment.RowsInUse);
        if (joiners.Count == 0) return [];
        _deferral?.Joined();
        int stillRunning;
        lock (_lock) stillRunning = _running.Count;
        metrics?.RecordJoined(joiners.Count);
        logger.Joined(instanceIndex, joiners.Count, queue.Count);
        return Enter(joiners, time.GetTimestamp(), stillRunning + joiners.Count);
    }

    private EngineOutcome Substitute(Exception? failure, CancellationToken abortBatch, int index)
    {
        if (failure is OperationCanceledException && abortBatch.IsCancellationRequested) return EngineOutcome.Cancelled;
        if (failure is not null) return new EngineOutcome(EngineOutcomeStatus.Failed, Error: failure);
        bool answered;
        lock (_lock) answered = _running.TryGetValue(index, out var entry) && entry.Request.Task.IsCompleted;
        if (answered) return EngineOutcome.Cancelled; // already answered; only its release is due
        logger.MissingOutcome(instanceIndex, index, _entered);
        return new EngineOutcome(EngineOutcomeStatus.Failed,
            Error: new InvalidOperationException("The model instance returned no outcome for this request."));
    }

    private void Finish(int index, EngineOutcome outcome)
    {
        Running? entry;
        lock (_lock)
        {
            if (!_running.Remove(index, out entry))
            {
                // Reported twice: the first report stands; an index never handed out is the executor's bug.
                if ((uint)index >= (uint)_entered) logger.UnknownIndex(instanceIndex, index, _entered);
                return;
            }
        }
        var request = entry.Request;
        if (!request.TryReleaseFromEngine()) return;
        Deliver(entry, outcome);
        retryAfter?.RecordAnswer();
        // Released after delivery so that a drain completes only once every answer is out.
        queue.ReleaseRunning();
        request.Dispose();
    }

    private void Deliver(Running entry, EngineOutcome outcome)
    {
        var request = entry.Request;
        switch (outcome.Status)
        {
            case EngineOutcomeStatus.Completed when outcome.Result is { } result:
                metrics?.RecordCompleted(result);
                request.TrySucceed(new BatchedResult(result, entry.QueueMs, entry.Sharing, instanceIndex));
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

    /// <param name="Request">The queued request.</param>
    /// <param name="QueueMs">How long it waited in the queue.</param>
    /// <param name="Sharing">The requests decoding together when it entered: the batch, or the joiners and those still running.</param>
    private sealed record Running(PendingRequest Request, double QueueMs, int Sharing);
}
