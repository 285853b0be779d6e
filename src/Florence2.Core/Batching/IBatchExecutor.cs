using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>One model instance that runs a batch synchronously on the calling thread (the shape of <see cref="Florence2Engine.RunBatch"/>).</summary>
public interface IBatchExecutor
{
    /// <summary>
    /// Runs <paramref name="requests"/> together and returns one outcome per request, in order, calling
    /// <paramref name="onFinished"/> with the request's index as each one finishes.
    /// </summary>
    /// <param name="requests">The batch; each request carries its own cancellation token.</param>
    /// <param name="onFinished">Called as each request leaves the batch, possibly long before the batch ends.</param>
    /// <param name="cancellationToken">Cancels the whole batch (shutdown).</param>
    IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
        CancellationToken cancellationToken);
}
