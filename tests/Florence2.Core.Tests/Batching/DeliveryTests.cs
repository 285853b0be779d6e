using Florence2.Batching;
using Florence2.Inference;

namespace Florence2.Tests.Batching;

public sealed class DeliveryTests
{
    private static BatchingOptions PairsWithoutDelay() => new() { MaxBatchSize = 2, MaxQueueDelayMs = 10_000 };

    [Fact]
    public async Task A_request_that_finishes_early_is_answered_while_its_batch_still_runs()
    {
        await using var harness = BatcherHarness.Create(PairsWithoutDelay());
        var early = harness.Enqueue("early");
        var late = harness.Enqueue("late");
        var batch = await harness.Executor.NextBatchAsync();

        batch.Finish(0);
        var result = await early.Within();

        Assert.False(late.IsCompleted);
        Assert.Equal("early", result.Result.Text);
        Assert.Equal(2, result.BatchSize);
        batch.Finish(1);
        Assert.Equal("late", (await late.Within()).Result.Text);
    }

    [Fact]
    public async Task Two_instances_run_two_batches_at_the_same_time()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 1, MaxQueueDelayMs = 0 }, instances: 2);
        var executors = harness.Instances.Cast<ControlledExecutor>().ToArray();

        var tasks = new[] { harness.Enqueue("a"), harness.Enqueue("b") };
        // Neither batch is finished, so both instances must hold one at once.
        var batches = await Task.WhenAll(executors.Select(e => e.NextBatchAsync()));
        Assert.Equal(2, harness.Batcher.RunningRequests);
        foreach (var batch in batches) batch.FinishAll();
        var results = await Task.WhenAll(tasks).Within();

        Assert.Equal(["a", "b"], batches.SelectMany(b => b.Prompts).Order());
        Assert.Equal([0, 1], results.Select(r => r.InstanceIndex).Order());
    }

    [Fact]
    public async Task The_result_reports_queue_time_batch_size_and_instance()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 4, MaxQueueDelayMs = 20 });
        var first = harness.Enqueue("first");
        harness.Clock.AdvanceMs(5);
        var second = harness.Enqueue("second");
        harness.Clock.AdvanceMs(15);
        (await harness.Executor.NextBatchAsync()).FinishAll();

        var results = await Task.WhenAll(first, second).Within();

        Assert.Equal([20.0, 15.0], results.Select(r => r.QueueMs));
        Assert.All(results, r => Assert.Equal(2, r.BatchSize));
        Assert.All(results, r => Assert.Equal(0, r.InstanceIndex));
        Assert.Equal(2, results[0].Result.GeneratedTokens);
    }

    [Fact]
    public async Task A_failed_outcome_faults_only_that_request()
    {
        await using var harness = BatcherHarness.Create(PairsWithoutDelay());
        var failing = harness.Enqueue("failing");
        var fine = harness.Enqueue("fine");
        var batch = await harness.Executor.NextBatchAsync();
        var error = new PromptTooLongException(2000, 1000);

        batch.Finish(0, new EngineOutcome(EngineOutcomeStatus.Failed, Error: error));
        batch.Finish(1);

        Assert.Same(error, await Assert.ThrowsAsync<PromptTooLongException>(() => failing.Within()));
        Assert.Equal("fine", (await fine.Within()).Result.Text);
    }

    [Fact]
    public async Task A_cancelled_outcome_cancels_the_task()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 1 });
        var task = harness.Enqueue("dropped");
        var batch = await harness.Executor.NextBatchAsync();

        batch.Finish(0, EngineOutcome.Cancelled);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.Within());
    }
}
