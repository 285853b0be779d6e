using Florence2.Batching;
using Florence2.Inference;
using Florence2.Service.Runtime;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// Holds a batch that contains a "long" request (token budget at or above <see cref="LongBudget"/>) on the worker for
/// <see cref="Hold"/> before running it, so a test can count on a busy worker however fast the machine decodes.
/// </summary>
public sealed class HoldingExecutorDecorator : IBatchExecutorDecorator
{
    public const int LongBudget = 500;
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(3);

    public IBatchExecutor Decorate(IBatchExecutor inner) => new HoldingExecutor(inner);

    private sealed class HoldingExecutor(IBatchExecutor inner) : IBatchExecutor
    {
        public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
            CancellationToken cancellationToken)
        {
            if (requests.Any(r => r.Generation.MaxNewTokens >= LongBudget))
                cancellationToken.WaitHandle.WaitOne(Hold); // shutdown still interrupts the hold
            return inner.RunBatch(requests, onFinished, cancellationToken);
        }
    }
}
