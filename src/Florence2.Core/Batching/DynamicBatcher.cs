using Florence2.Inference;
using Microsoft.Extensions.Logging;

namespace Florence2.Batching;

/// <summary>
/// Triton-style dynamic batcher in front of one or more model instances: requests queue (bounded, with a deadline),
/// compatible ones are grouped into batches of up to <see cref="BatchingOptions.MaxBatchSize"/>, and one worker per
/// instance runs one batch at a time. Each request is answered as soon as it leaves its batch.
/// </summary>
/// <example>
/// A host creates one batcher for the engine pool, awaits <see cref="EnqueueAsync"/> per HTTP request, and drains on
/// shutdown:
/// <code>
/// var batcher = new DynamicBatcher(options, EngineBatchExecutor.ForPool(pool), TimeProvider.System, logger, metrics);
/// try { var answer = await batcher.EnqueueAsync(request, timeout: null, httpContext.RequestAborted); }
/// catch (QueueFullException e) { /* 503 + Retry-After: e.RetryAfter */ }
/// catch (BatcherUnavailableException e) { /* 503 + Retry-After: e.RetryAfter */ }
/// catch (QueueTimeoutException) { /* 503/504 */ }
/// // on ApplicationStopping: await batcher.DrainAsync(shutdownToken); await batcher.DisposeAsync();
/// </code>
/// </example>
public sealed class DynamicBatcher : IAsyncDisposable
{
    /// <summary>How long <see cref="DisposeAsync"/> lets queued and running work finish before cancelling it.</summary>
    public static readonly TimeSpan DisposeGrace = TimeSpan.FromSeconds(5);

    private readonly BatchingOptions _options;
    private readonly IReadOnlyList<IBatchExecutor> _instances;
    private readonly TimeProvider _time;
    private readonly ILogger<DynamicBatcher> _logger;
    private readonly BatcherMetrics? _metrics;
    private readonly RequestQueue _queue;
    private readonly AbandonedRequests _abandoned;
    private readonly BatchFormer _former;
    private readonly RetryAfterEstimator _retryAfter;
    private readonly CancellationTokenSource _stopWorkers = new();
    private readonly CancellationTokenSource _abortBatches = new();
    private readonly BatchWorker[] _workers;
    private readonly TimerCallback _onDeadline;
    private readonly Action<PendingRequest> _onCancelled;
    private int _disposed;
    private int _drainStarted;

    /// <summary>Starts one worker per entry of <paramref name="instances"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid or there is no instance.</exception>
    public DynamicBatcher(BatchingOptions options, IReadOnlyList<IBatchExecutor> instances, TimeProvider timeProvider,
        ILogger<DynamicBatcher> logger, BatcherMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        if (instances.Count == 0) throw new ArgumentException("At least one model instance is required.", nameof(instances));
        if (instances.Any(instance => instance is null)) throw new ArgumentException("An instance is null.", nameof(instances));

        _options = options;
        _instances = [.. instances];
        _time = timeProvider;
        _logger = logger;
        _metrics = metrics;
        _queue = new RequestQueue(options.MaxQueueSize, timeProvider, metrics);
        _abandoned = new AbandonedRequests(timeProvider, metrics, logger);
        Mode = options.Mode == BatchingMode.Continuous && _instances.All(instance => instance.AcceptsJoiners)
            ? BatchingMode.Continuous
            : BatchingMode.Cohort;
        _former = new BatchFormer(_queue, options, timeProvider, _abandoned, beamsAreRows: Mode == BatchingMode.Continuous);
        _retryAfter = new RetryAfterEstimator(options.MaxBatchSize, _instances.Count, _time);
        _onDeadline = OnDeadline;
        _onCancelled = OnCancelled;

        _workers = new BatchWorker[_instances.Count];
        for (int i = 0; i < _workers.Length; i++)
            _workers[i] = new BatchWorker(i, _former, RunBatch, logger, _stopWorkers.Token);
        foreach (var worker in _workers) worker.Start();
        logger.Started(_instances.Count, Mode, options.MaxBatchSize, options.MaxQueueDelayMs, options.MaxQueueSize);
    }

    /// <summary>
    /// The batching mode in effect: <see cref="BatchingMode.Continuous"/> when it was asked for and every instance
    /// accepts joiners, else <see cref="BatchingMode.Cohort"/>.
    /// </summary>
    public BatchingMode Mode { get; }

    /// <summary>Requests waiting to be batched.</summary>
    public int QueueDepth => _queue.Count;

    /// <summary>Requests handed to a model instance that it has not finished with yet.</summary>
    public int RunningRequests => _queue.Running;

    /// <summary>False once a drain or disposal has started.</summary>
    public bool IsAcceptingWork => !_queue.IsClosed;

    /// <summary>
    /// Queues <paramref name="request"/> and completes when the model has answered it.
    /// </summary>
    /// <param name="request">The image and prompt; its own cancellation token is honoured too.</param>
    /// <param name="timeout">Queue deadline for this request; the default one applies when null, and a longer one is capped to it.</param>
    /// <param name="cancellationToken">
    /// Cancels the request: while queued it is removed and never runs; while running the model drops it at its next
    /// decoder step. Either way the task is cancelled at once.
    /// </param>
    /// <returns>
    /// The answer. Faults with <see cref="QueueTimeoutException"/> when the deadline passes while queued, or with the
    /// model's exception when the model fails it; cancelled when the request is cancelled.
    /// </returns>
    /// <exception cref="QueueFullException">The queue is full (thrown at once, nothing queued).</exception>
    /// <exception cref="BatcherUnavailableException">The batcher is draining or stopped.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public Task<BatchedResult> EnqueueAsync(EngineRequest request, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return EnqueueAll([request], timeout, cancellationToken)[0];
    }

    /// <summary>
    /// Queues <paramref name="requests"/> as one admission: all of them or, when the queue is full or closed, none. They
    /// reach batch formation together, so compatible ones share a batch (up to <see cref="BatchingOptions.MaxBatchSize"/>)
    /// however the threads are scheduled; each is then answered, deadlined and cancellable on its own as with
    /// <see cref="EnqueueAsync"/>.
    /// </summary>
    /// <returns>One task per request, in order.</returns>
    /// <exception cref="QueueFullException">The queue has no room for all of them (thrown at once, nothing queued).</exception>
    /// <exception cref="BatcherUnavailableException">The batcher is draining or stopped.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public IReadOnlyList<Task<BatchedResult>> EnqueueAll(IReadOnlyList<EngineRequest> requests, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Any(request => request is null)) throw new ArgumentException("A request is null.", nameof(requests));
        var queueTimeout = ResolveTimeout(timeout);
        if (cancellationToken.IsCancellationRequested)
            return [.. requests.Select(_ => Task.FromCanceled<BatchedResult>(cancellationToken))];

        long admitted = _time.GetTimestamp();
        var group = new List<PendingRequest>(requests.Count);
        var answers = new Task<BatchedResult>[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            var token = requests[i].CancellationToken;
            if (token.IsCancellationRequested) answers[i] = Task.FromCanceled<BatchedResult>(token);
            else group.Add(new PendingRequest(requests[i], cancellationToken, admitted, queueTimeout));
        }
        if (group.Count == 0) return answers;

        var admission = _queue.TryAddAll(group, _onDeadline);
        if (admission != Admission.Admitted)
        {
            foreach (var pending in group) pending.Dispose();
            throw Refusal(admission);
        }
        int next = 0;
        for (int i = 0; i < answers.Length; i++)
        {
            if (answers[i] is not null) continue;
            var pending = group[next++];
            pending.OnCancelled(_onCancelled);
            answers[i] = pending.Task;
        }
        return answers;
    }

    /// <summary>
    /// Stops accepting work, lets queued and running requests finish, and completes once nothing is left. When
    /// <paramref name="cancellationToken"/> fires first, queued requests are cancelled, running batches are told to
    /// stop, and the method returns without waiting for them.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken = default)
    {
        // Dispose drains again after an explicit drain; the second pass finds nothing and says nothing.
        bool first = Interlocked.Exchange(ref _drainStarted, 1) == 0;
        if (first) _logger.Draining(_queue.Count, _queue.Running);
        _queue.Close();
        try
        {
            await _queue.WhenIdle.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (first) _logger.Drained();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var leftovers = _queue.RemoveAll();
            foreach (var request in leftovers) _abandoned.Cancelled(request);
            _logger.DrainCancelled(leftovers.Count, _queue.Running);
            await _abortBatches.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Drains for up to <see cref="DisposeGrace"/>, cancels what is left, and stops the workers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        using (var grace = new CancellationTokenSource(DisposeGrace, _time))
            await DrainAsync(grace.Token).ConfigureAwait(false);
        await _stopWorkers.CancelAsync().ConfigureAwait(false);
        await _abortBatches.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers.Select(worker => worker.Stopped)).ConfigureAwait(false);
        _former.Dispose();
        _stopWorkers.Dispose();
        _abortBatches.Dispose();
    }

    private TimeSpan? ResolveTimeout(TimeSpan? requested)
    {
        if (requested is not { } timeout || timeout == Timeout.InfiniteTimeSpan) return _options.DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(requested));
        // Like Triton's allow_timeout_override: a caller may shorten the deadline, never extend it.
        return _options.DefaultTimeout is { } limit && limit < timeout ? limit : timeout;
    }

    private Exception Refusal(Admission admission)
    {
        int depth = _queue.Count;
        if (admission == Admission.Full)
        {
            _metrics?.RecordRejection(RejectionReason.QueueFull);
            _logger.QueueFull(depth);
            return new QueueFullException(_options.MaxQueueSize, _retryAfter.Estimate(depth));
        }
        _metrics?.RecordRejection(RejectionReason.Unavailable);
        // Draining means this replica is going away; the client should come back soon (to another replica).
        return new BatcherUnavailableException(RetryAfterEstimator.Minimum);
    }

    private void OnDeadline(object? state)
    {
        var request = (PendingRequest)state!;
        // A request already running keeps running: the deadline is for the queue only.
        if (_queue.TryRemove(request)) _abandoned.TimedOut(request);
    }

    private void OnCancelled(PendingRequest request)
    {
        if (_queue.TryRemove(request)) _abandoned.Cancelled(request);
        else request.TryCancel(); // running: the engine has the same token and drops it at its next step
    }

    private void RunBatch(int instanceIndex, IReadOnlyList<PendingRequest> batch)
    {
        var joining = Mode == BatchingMode.Continuous ? new JoinPolicy(_options, _abandoned) : null;
        new BatchExecution(batch, instanceIndex, _queue, _time, _metrics, _logger, _retryAfter, joining)
            .Run(_instances[instanceIndex], _abortBatches.Token);
    }
}
