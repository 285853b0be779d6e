using System.Diagnostics.Metrics;
using Florence2.Batching;
using Florence2.Generation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Batching;

/// <summary>A batcher over fake instances and fake time; disposing it cancels whatever a test left running.</summary>
internal sealed class BatcherHarness : IAsyncDisposable
{
    private BatcherHarness(BatchingOptions options, IReadOnlyList<IBatchExecutor> instances, Meter? meter)
    {
        Instances = instances;
        Batcher = new DynamicBatcher(options, instances, Clock, NullLogger<DynamicBatcher>.Instance,
            meter is null ? null : new BatcherMetrics(meter));
    }

    public ObservedTimeProvider Clock { get; } = new();

    public DynamicBatcher Batcher { get; }

    public IReadOnlyList<IBatchExecutor> Instances { get; }

    public ControlledExecutor Executor => (ControlledExecutor)Instances[0];

    public static BatcherHarness Create(BatchingOptions options, int instances = 1, bool autoFinish = false, Meter? meter = null,
        bool acceptsJoiners = false) =>
        new(options, [.. Enumerable.Range(0, instances).Select(_ => new ControlledExecutor { AutoFinish = autoFinish, AcceptsJoiners = acceptsJoiners })], meter);

    public static BatcherHarness Create(BatchingOptions options, IBatchExecutor instance) => new(options, [instance], null);

    public Task<BatchedResult> Enqueue(string prompt, GenerationSettings? settings = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        Batcher.EnqueueAsync(TestRequests.Create(prompt, settings), timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Batcher.DrainAsync(new CancellationToken(canceled: true));
        await Batcher.DisposeAsync().AsTask().WaitAsync(Safety.Timeout);
    }
}
