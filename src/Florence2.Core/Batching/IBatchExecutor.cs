using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>One model instance that runs a batch synchronously on the calling thread (the shape of <see cref="Florence2Engine.RunBatch(IReadOnlyList{EngineRequest}, Action{int, EngineOutcome}, CancellationToken)"/>).</summary>
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

    /// <summary>Whether requests may join a batch while it runs (<see cref="BatchingMode.Continuous"/>); false by default.</summary>
    bool AcceptsJoiners => false;

    /// <summary>
    /// Like <see cref="RunBatch(IReadOnlyList{EngineRequest}, Action{int, EngineOutcome}, CancellationToken)"/>, asking
    /// <paramref name="joiners"/> between decoder steps for requests that join the batch (indexes after the batch's).
    /// Every outcome, joiners' included, goes through <paramref name="onFinished"/> once, and nothing of an answered
    /// request is kept: while requests keep joining, the batch runs as long as the service does. Executors that do not
    /// accept joiners never ask, and report their returned outcomes that the callback has not seen.
    /// </summary>
    void RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome> onFinished, JoinerSource joiners,
        CancellationToken cancellationToken)
    {
        var reported = new HashSet<int>();
        var outcomes = RunBatch(requests, (index, outcome) =>
        {
            reported.Add(index);
            onFinished(index, outcome);
        }, cancellationToken);
        for (int i = 0; i < outcomes.Count; i++)
            if (!reported.Contains(i)) onFinished(i, outcomes[i]);
    }
}
