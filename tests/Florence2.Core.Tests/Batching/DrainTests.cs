using Florence2.Batching;

namespace Florence2.Tests.Batching;

public sealed class DrainTests
{
    private static BatchingOptions OneAtATime() => new() { MaxBatchSize = 1, MaxQueueDelayMs = 0 };

    [Fact]
    public async Task Draining_refuses_new_work_but_finishes_queued_and_running_requests()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        var running = harness.Enqueue("running");
        var first = await harness.Executor.NextBatchAsync();
        var queued = harness.Enqueue("queued");

        var drain = harness.Batcher.DrainAsync();

        Assert.False(harness.Batcher.IsAcceptingWork);
        var refused = Assert.Throws<BatcherUnavailableException>(() => { _ = harness.Enqueue("too-late"); });
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
        Assert.False(drain.IsCompleted);
        first.FinishAll();
        var second = await harness.Executor.NextBatchAsync();
        Assert.False(drain.IsCompleted);
        second.FinishAll();
        await drain.Within();

        Assert.True(running.IsCompletedSuccessfully);
        Assert.True(queued.IsCompletedSuccessfully);
        Assert.Equal(0, harness.Batcher.QueueDepth);
        Assert.Equal(0, harness.Batcher.RunningRequests);
    }

    [Fact]
    public async Task Draining_sends_a_partial_batch_without_waiting_for_company()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 4, MaxQueueDelayMs = 10_000 });
        var task = harness.Enqueue("alone");

        var drain = harness.Batcher.DrainAsync();
        (await harness.Executor.NextBatchAsync()).FinishAll(); // no time has passed

        await Task.WhenAll(task, drain).Within();
    }

    [Fact]
    public async Task A_cancelled_drain_cancels_queued_requests_and_running_batches_then_returns()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        var running = harness.Enqueue("running");
        var batch = await harness.Executor.NextBatchAsync();
        var queued = harness.Enqueue("queued");
        using var deadline = new CancellationTokenSource();

        var drain = harness.Batcher.DrainAsync(deadline.Token);
        deadline.Cancel();
        await drain.Within();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Within());
        Assert.True(batch.BatchToken.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.Within());
        Assert.Single(harness.Executor.Batches);
    }

    [Fact]
    public async Task Drain_completes_at_once_when_idle_and_dispose_stops_the_workers()
    {
        var harness = BatcherHarness.Create(OneAtATime(), autoFinish: true);
        await harness.Enqueue("r").Within();

        await harness.Batcher.DrainAsync().Within();
        await harness.Batcher.DisposeAsync().AsTask().Within();

        Assert.False(harness.Batcher.IsAcceptingWork);
        Assert.Throws<BatcherUnavailableException>(() => { _ = harness.Enqueue("after-dispose"); });
    }
}
