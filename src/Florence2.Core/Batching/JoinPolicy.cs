namespace Florence2.Batching;

/// <summary>
/// Continuous batching's admission rule for a running batch: compatible requests join while the batch has rows to spare
/// (<see cref="BatchingOptions.MaxBatchSize"/> counts rows, a request takes one per beam), and none while an
/// incompatible request has waited its queue delay; with <see cref="BatchingOptions.FinishFirst"/> each running batch
/// lets a request about to finish finish before others join (<see cref="JoinDeferral"/>).
/// </summary>
internal sealed class JoinPolicy(BatchingOptions options, AbandonedRequests abandoned)
{
    /// <summary>What holds joiners back for one running batch; null when <see cref="BatchingOptions.FinishFirst"/> is off.</summary>
    public JoinDeferral? NewDeferral(TimeProvider time) => options.FinishFirst ? new JoinDeferral(time) : null;

    /// <summary>Takes the queued requests that may join a batch of <paramref name="key"/> whose live requests hold <paramref name="rowsInUse"/> rows.</summary>
    public IReadOnlyList<PendingRequest> TakeJoiners(RequestQueue queue, BatchCompatibilityKey key, int rowsInUse)
    {
        int room = (options.MaxBatchSize - rowsInUse) / Math.Max(1, key.NumBeams);
        if (room <= 0) return [];
        var dropped = new List<PendingRequest>();
        var joiners = queue.TryTakeJoiners(key, room, options.MaxQueueDelay, dropped);
        abandoned.Settle(dropped);
        return joiners;
    }
}
