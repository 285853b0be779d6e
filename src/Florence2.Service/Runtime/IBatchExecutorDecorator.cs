using Florence2.Batching;

namespace Florence2.Service.Runtime;

/// <summary>
/// Wraps each model instance's executor before the batcher uses it — the seam for cross-cutting behaviour around a
/// batch (tests use it to hold a worker busy deterministically). None is registered by default.
/// </summary>
public interface IBatchExecutorDecorator
{
    IBatchExecutor Decorate(IBatchExecutor inner);
}
