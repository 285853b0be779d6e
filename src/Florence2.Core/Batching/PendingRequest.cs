using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>
/// An admitted request from admission to its single answer. The caller's task completes exactly once (every path
/// uses TrySet*), and the engine's hold on it is released exactly once, whichever of the executor's callbacks,
/// its return value or its failure reports first.
/// </summary>
internal sealed class PendingRequest : IDisposable
{
    private readonly TaskCompletionSource<BatchedResult> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously); // callers never continue on a worker or timer thread
    private readonly CancellationTokenSource? _linkedCancellation;
    private readonly CancellationToken _callerToken;
    private CancellationTokenRegistration _cancellationRegistration;
    private int _engineReleased;

    public PendingRequest(EngineRequest request, CancellationToken callerToken, long admittedTimestamp, TimeSpan? queueTimeout)
    {
        Request = request;
        _callerToken = callerToken;
        Key = BatchCompatibilityKey.For(request.Generation);
        AdmittedTimestamp = admittedTimestamp;
        QueueTimeout = queueTimeout;
        if (callerToken.CanBeCanceled && request.CancellationToken.CanBeCanceled)
        {
            _linkedCancellation = CancellationTokenSource.CreateLinkedTokenSource(callerToken, request.CancellationToken);
            Cancellation = _linkedCancellation.Token;
        }
        else
        {
            Cancellation = callerToken.CanBeCanceled ? callerToken : request.CancellationToken;
        }
    }

    public EngineRequest Request { get; }

    /// <summary>Fires when either the caller or the request's own token is cancelled; the engine gets this token.</summary>
    public CancellationToken Cancellation { get; }

    public BatchCompatibilityKey Key { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> at admission.</summary>
    public long AdmittedTimestamp { get; }

    /// <summary>How long it may stay queued; null = no deadline.</summary>
    public TimeSpan? QueueTimeout { get; }

    /// <summary>Its place in the queue while queued; owned by <see cref="RequestQueue"/> under its lock.</summary>
    internal LinkedListNode<PendingRequest>? Node { get; set; }

    /// <summary>Fires <see cref="QueueTimeout"/> after admission; owned by <see cref="RequestQueue"/>.</summary>
    internal ITimer? DeadlineTimer { get; set; }

    public Task<BatchedResult> Task => _completion.Task;

    public bool IsExpired(TimeProvider time) => QueueTimeout is { } timeout && time.GetElapsedTime(AdmittedTimestamp) >= timeout;

    public void OnCancelled(Action<PendingRequest> callback) =>
        _cancellationRegistration = Cancellation.Register(static state =>
        {
            var (request, callback) = ((PendingRequest, Action<PendingRequest>))state!;
            callback(request);
        }, (this, callback));

    /// <summary>The request as the executor sees it: same content, cancelled by the caller as well as by its own token.</summary>
    public EngineRequest ForExecutor() => new()
    {
        Image = Request.Image,
        Prompt = Request.Prompt,
        PromptIds = Request.PromptIds,
        Generation = Request.Generation,
        CancellationToken = Cancellation,
    };

    public bool TrySucceed(BatchedResult result) => _completion.TrySetResult(result);

    public bool TryFail(Exception error) => _completion.TrySetException(error);

    public bool TryCancel()
    {
        var token = _callerToken.IsCancellationRequested ? _callerToken
            : Request.CancellationToken.IsCancellationRequested ? Request.CancellationToken
            : CancellationToken.None;
        return _completion.TrySetCanceled(token);
    }

    /// <summary>True only for the first caller: the engine is done with this request (or it never reached the engine).</summary>
    public bool TryReleaseFromEngine() => Interlocked.Exchange(ref _engineReleased, 1) == 0;

    public void Dispose()
    {
        // Unregister rather than Dispose: this may run inside the cancellation callback itself.
        _cancellationRegistration.Unregister();
        DeadlineTimer?.Dispose();
        _linkedCancellation?.Dispose();
    }
}
