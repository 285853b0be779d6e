using Florence2.Batching;
using Florence2.Inference;
using Florence2.Service.Runtime;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// Holds every batch that contains a "long" request (token budget at or above <see cref="LongBudget"/>) on the worker
/// until the test opens the gate, so a test can count on a busy worker however fast or slow the machine is. The gate
/// is a gate, not a timer: nothing depends on how long the test's own steps take. Shutdown (the batch's cancellation
/// token) and <see cref="Safety"/> still end a hold that a failed test never released.
/// </summary>
public sealed class HoldingExecutorDecorator : IBatchExecutorDecorator, IDisposable
{
    public const int LongBudget = 500;

    /// <summary>A hang detector for a test that forgot to release the worker; never reached by a passing test.</summary>
    private static readonly TimeSpan Safety = TimeSpan.FromMinutes(2);

    private readonly ManualResetEventSlim released = new(false);

    public IBatchExecutor Decorate(IBatchExecutor inner) => new HoldingExecutor(inner, released);

    /// <summary>Lets held batches (and every later long one) run.</summary>
    public void Release() => released.Set();

    public void Dispose()
    {
        released.Set();
        released.Dispose();
    }

    private sealed class HoldingExecutor(IBatchExecutor inner, ManualResetEventSlim released) : IBatchExecutor
    {
        public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
            CancellationToken cancellationToken)
        {
            if (requests.Any(r => r.Generation.MaxNewTokens >= LongBudget))
                WaitHandle.WaitAny([released.WaitHandle, cancellationToken.WaitHandle], Safety);
            return inner.RunBatch(requests, onFinished, cancellationToken);
        }
    }
}
