using Florence2.Inference;

namespace Florence2.Batching;

/// <summary>Lets the batcher drive a <see cref="Florence2Engine"/>; the engine stays unaware of batching.</summary>
public sealed class EngineBatchExecutor(Florence2Engine engine) : IBatchExecutor
{
    /// <summary>The wrapped model instance.</summary>
    public Florence2Engine Engine { get; } = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <inheritdoc />
    public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
        CancellationToken cancellationToken) =>
        Engine.RunBatch(requests, onFinished, cancellationToken);

    /// <inheritdoc />
    public bool AcceptsJoiners => Engine.ContinuousDecoding;

    /// <inheritdoc />
    public void RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome> onFinished,
        JoinerSource joiners, CancellationToken cancellationToken) =>
        Engine.RunBatch(requests, onFinished, joiners, cancellationToken);

    /// <summary>One executor per engine of <paramref name="pool"/>, in order, for <see cref="DynamicBatcher"/>.</summary>
    public static IReadOnlyList<IBatchExecutor> ForPool(Florence2EnginePool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return [.. pool.Engines.Select(engine => new EngineBatchExecutor(engine))];
    }
}
