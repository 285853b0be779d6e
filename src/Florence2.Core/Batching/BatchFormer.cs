namespace Florence2.Batching;

/// <summary>
/// Forms batches Triton-style for the workers: the oldest request waits up to the queue delay for compatible company,
/// and the batch leaves early once it is full. One batch forms at a time (like Triton's single scheduler) so that idle
/// workers do not split a batch that is still filling. In continuous batching (<c>beamsAreRows</c>)
/// <see cref="BatchingOptions.MaxBatchSize"/> counts decoder rows.
/// </summary>
internal sealed class BatchFormer(RequestQueue queue, BatchingOptions options, TimeProvider time, AbandonedRequests abandoned,
    bool beamsAreRows) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for the next batch; throws <see cref="OperationCanceledException"/> when <paramref name="stopping"/> fires.</summary>
    public async Task<IReadOnlyList<PendingRequest>> NextBatchAsync(CancellationToken stopping)
    {
        await _turn.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            var dropped = new List<PendingRequest>();
            while (true)
            {
                var step = queue.TryTakeBatch(options.MaxBatchSize, options.MaxQueueDelay, dropped, beamsAreRows);
                abandoned.Settle(dropped);
                dropped.Clear();
                if (step.Batch is { } batch) return batch;
                await WaitAsync(step, stopping).ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task WaitAsync(FormationStep step, CancellationToken stopping)
    {
        if (step.Delay is not { } delay)
        {
            await step.Changed.WaitAsync(stopping).ConfigureAwait(false);
            return;
        }
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var elapsed = Task.Delay(delay, time, stopDelay.Token);
        await Task.WhenAny(step.Changed, elapsed).ConfigureAwait(false);
        stopDelay.Cancel(); // disarm the delay's timer when the queue changed first
        stopping.ThrowIfCancellationRequested();
    }

    public void Dispose() => _turn.Dispose();
}
