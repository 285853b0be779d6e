namespace Florence2.Batching;

/// <summary>
/// The bounded FIFO of admitted requests and the count of those taken out to run. One lock guards both, so a request
/// leaves the queue exactly once (to a batch, to its deadline, or to its cancellation) and a drain sees a consistent
/// "queue empty and nothing running".
/// </summary>
internal sealed class RequestQueue(int capacity, TimeProvider time, BatcherMetrics? metrics)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<PendingRequest> _queued = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;
    private bool _closed;

    public int Count
    {
        get { lock (_lock) return _queued.Count; }
    }

    public int Running
    {
        get { lock (_lock) return _running; }
    }

    public bool IsClosed
    {
        get { lock (_lock) return _closed; }
    }

    /// <summary>Completes once the queue is closed, empty and nothing taken from it is still running.</summary>
    public Task WhenIdle => _idle.Task;

    /// <summary>
    /// Appends every request of <paramref name="group"/> and arms their deadline timers, or none of them when the queue is
    /// closed or has no room for all. One admission, one change signal: batch formation sees the group whole, so a call's
    /// requests (the images of one call, the tasks of one /v1/analyze) are never split by a worker that woke in between.
    /// </summary>
    public Admission TryAddAll(IReadOnlyList<PendingRequest> group, TimerCallback onDeadline)
    {
        lock (_lock)
        {
            if (_closed) return Admission.Closed;
            if (_queued.Count + group.Count > capacity) return Admission.Full;
            foreach (var request in group)
            {
                request.Node = _queued.AddLast(request);
                // Armed under the lock so that whoever removes the request always sees (and disposes) its timer.
                if (request.QueueTimeout is { } timeout)
                    request.DeadlineTimer = time.CreateTimer(onDeadline, request, timeout, Timeout.InfiniteTimeSpan);
            }
            metrics?.QueueDepthChanged(group.Count);
            SignalChange();
            return Admission.Admitted;
        }
    }

    /// <summary>Takes <paramref name="request"/> out if it is still queued; false when it already left (e.g. it is running).</summary>
    public bool TryRemove(PendingRequest request)
    {
        lock (_lock)
        {
            if (request.Node is null) return false;
            Unlink(request);
            CheckIdle();
            return true;
        }
    }

    /// <summary>
    /// One step of batch formation. Drops requests already cancelled or past their deadline into
    /// <paramref name="abandoned"/>; then, if <paramref name="maxBatchSize"/> requests compatible with the oldest are
    /// queued or the oldest has waited <paramref name="maxQueueDelay"/> (no waiting once closed), takes them out in FIFO
    /// order as a batch. Otherwise says what to wait for.
    /// </summary>
    /// <param name="maxBatchSize">The most requests a batch takes.</param>
    /// <param name="maxQueueDelay">How long the oldest request waits for company.</param>
    /// <param name="abandoned">Receives the requests dropped.</param>
    /// <param name="beamsAreRows">Count <paramref name="maxBatchSize"/> in decoder rows: a request takes one per beam.</param>
    public FormationStep TryTakeBatch(int maxBatchSize, TimeSpan maxQueueDelay, List<PendingRequest> abandoned, bool beamsAreRows = false)
    {
        lock (_lock)
        {
            DropAbandoned(abandoned);
            if (_queued.First is not { } first)
            {
                CheckIdle();
                return FormationStep.WaitFor(_changed.Task, null);
            }

            var oldest = first.Value;
            int limit = beamsAreRows ? Math.Max(1, maxBatchSize / Math.Max(1, oldest.Key.NumBeams)) : maxBatchSize;
            var wait = _closed ? TimeSpan.Zero : maxQueueDelay - time.GetElapsedTime(oldest.AdmittedTimestamp);
            if (wait > TimeSpan.Zero && CountCompatible(oldest.Key, limit) < limit)
                return FormationStep.WaitFor(_changed.Task, wait);
            return FormationStep.Take(TakeCompatible(oldest.Key, limit));
        }
    }

    /// <summary>
    /// For a running batch of <paramref name="key"/> (continuous batching): takes up to <paramref name="maxRequests"/>
    /// queued requests with that key, oldest first. Drops cancelled and expired ones into <paramref name="abandoned"/>
    /// first. Like batch formation, joiners leave together once they fill the room or the oldest of them has waited
    /// <paramref name="maxQueueDelay"/>, so a group shares one prefill (vision, encoder, first step) and one cache append.
    /// Takes none while the oldest request cannot join and has waited its delay: the running batch then winds down, so
    /// a stream of joiners never starves it.
    /// </summary>
    public IReadOnlyList<PendingRequest> TryTakeJoiners(BatchCompatibilityKey key, int maxRequests, TimeSpan maxQueueDelay,
        List<PendingRequest> abandoned)
    {
        lock (_lock)
        {
            DropAbandoned(abandoned);
            if (maxRequests <= 0 || _queued.First is not { } first) return [];
            if (first.Value.Key != key && time.GetElapsedTime(first.Value.AdmittedTimestamp) >= maxQueueDelay) return [];
            var oldest = _queued.FirstOrDefault(request => request.Key == key);
            if (oldest is null) return [];
            bool gathered = _closed || CountCompatible(key, maxRequests) >= maxRequests
                || time.GetElapsedTime(oldest.AdmittedTimestamp) >= maxQueueDelay;
            return gathered ? TakeCompatible(key, maxRequests) : [];
        }
    }

    /// <summary>Under the lock: unlinks up to <paramref name="limit"/> requests with <paramref name="key"/>, oldest first, as running.</summary>
    private List<PendingRequest> TakeCompatible(BatchCompatibilityKey key, int limit)
    {
        var taken = new List<PendingRequest>(Math.Min(limit, _queued.Count));
        for (var node = _queued.First; node is not null && taken.Count < limit;)
        {
            var next = node.Next;
            if (node.Value.Key == key)
            {
                taken.Add(node.Value);
                Unlink(node.Value);
            }
            node = next;
        }
        _running += taken.Count;
        return taken;
    }

    /// <summary>Under the lock: unlinks requests already cancelled or past their deadline into <paramref name="abandoned"/>.</summary>
    private void DropAbandoned(List<PendingRequest> abandoned)
    {
        for (var node = _queued.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Cancellation.IsCancellationRequested || node.Value.IsExpired(time))
            {
                abandoned.Add(node.Value);
                Unlink(node.Value);
            }
            node = next;
        }
    }

    /// <summary>A request taken by <see cref="TryTakeBatch"/> is finished with.</summary>
    public void ReleaseRunning()
    {
        lock (_lock)
        {
            _running--;
            CheckIdle();
        }
    }

    /// <summary>Refuses further requests; queued ones stay and are batched without delay.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            SignalChange(); // a worker waiting out a batch window should send it now
            CheckIdle();
        }
    }

    /// <summary>Takes every queued request out (a cancelled drain).</summary>
    public IReadOnlyList<PendingRequest> RemoveAll()
    {
        lock (_lock)
        {
            var all = _queued.ToList();
            foreach (var request in all) Unlink(request);
            CheckIdle();
            return all;
        }
    }

    private int CountCompatible(BatchCompatibilityKey key, int enough)
    {
        int count = 0;
        for (var node = _queued.First; node is not null && count < enough; node = node.Next)
            if (node.Value.Key == key) count++;
        return count;
    }

    private void Unlink(PendingRequest request)
    {
        _queued.Remove(request.Node!);
        request.Node = null;
        request.DeadlineTimer?.Dispose();
        metrics?.QueueDepthChanged(-1);
        SignalChange();
    }

    private void SignalChange()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private void CheckIdle()
    {
        if (_closed && _queued.Count == 0 && _running == 0) _idle.TrySetResult();
    }
}

/// <summary>What <see cref="RequestQueue.TryAddAll"/> did with a group of requests.</summary>
internal enum Admission
{
    Admitted,
    Full,
    Closed,
}

/// <summary>Either a batch to run, or what to wait for before trying again: a queue change, or also a delay.</summary>
internal readonly record struct FormationStep(IReadOnlyList<PendingRequest>? Batch, Task Changed, TimeSpan? Delay)
{
    public static FormationStep Take(IReadOnlyList<PendingRequest> batch) => new(batch, Task.CompletedTask, null);

    public static FormationStep WaitFor(Task changed, TimeSpan? delay) => new(null, changed, delay);
}
