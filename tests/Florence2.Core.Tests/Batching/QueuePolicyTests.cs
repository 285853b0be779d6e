using Florence2.Batching;

namespace Florence2.Tests.Batching;

public sealed class QueuePolicyTests
{
    private static BatchingOptions OneAtATime(int maxQueueSize = 256, int defaultTimeoutMs = 60_000) => new()
    {
        MaxBatchSize = 1,
        MaxQueueDelayMs = 0,
        MaxQueueSize = maxQueueSize,
        DefaultTimeoutMs = defaultTimeoutMs,
    };

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_keeps_its_depth()
    {
        await using var harness = BatcherHarness.Create(OneAtATime(maxQueueSize: 2));
        var running = harness.Enqueue("running");
        await harness.Executor.NextBatchAsync();
        var queued = new[] { harness.Enqueue("q1"), harness.Enqueue("q2") };

        var refused = Assert.Throws<QueueFullException>(() => { _ = harness.Enqueue("one-too-many"); });

        Assert.Equal(2, harness.Batcher.QueueDepth);
        Assert.Equal(2, refused.MaxQueueSize);
        Assert.True(refused.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.All(queued, t => Assert.False(t.IsCompleted));
    }

    [Fact]
    public async Task A_group_is_admitted_whole_or_refused_whole()
    {
        await using var harness = BatcherHarness.Create(OneAtATime(maxQueueSize: 4));
        var running = harness.Enqueue("running");
        await harness.Executor.NextBatchAsync();
        var queued = new[] { harness.Enqueue("q1"), harness.Enqueue("q2") };

        // Three do not fit in the two places left: none of them is queued, not even the two that would have fitted.
        Assert.Throws<QueueFullException>(() => harness.Batcher.EnqueueAll([.. new[] { "g1", "g2", "g3" }.Select(p => TestRequests.Create(p))]));
        Assert.Equal(2, harness.Batcher.QueueDepth);

        var group = harness.Batcher.EnqueueAll([TestRequests.Create("g1"), TestRequests.Create("g2")]);
        Assert.Equal(4, harness.Batcher.QueueDepth);
        Assert.All(group, t => Assert.False(t.IsCompleted));
    }

    [Fact]
    public async Task A_request_past_its_deadline_in_the_queue_times_out_and_never_runs()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        var running = harness.Enqueue("running");
        var first = await harness.Executor.NextBatchAsync();
        var late = harness.Enqueue("late", timeout: TimeSpan.FromMilliseconds(100));

        harness.Clock.AdvanceMs(99);
        Assert.False(late.IsCompleted);
        harness.Clock.AdvanceMs(1);
        var error = await Assert.ThrowsAsync<QueueTimeoutException>(() => late.Within());

        Assert.Equal(TimeSpan.FromMilliseconds(100), error.Timeout);
        Assert.Equal(0, harness.Batcher.QueueDepth);
        first.FinishAll();
        await running.Within();
        var after = harness.Enqueue("after");
        (await harness.Executor.NextBatchAsync()).FinishAll();
        await after.Within();
        Assert.DoesNotContain(harness.Executor.Batches, b => b.Prompts.Contains("late"));
    }

    [Fact]
    public async Task A_caller_timeout_longer_than_the_default_is_capped_to_it()
    {
        await using var harness = BatcherHarness.Create(OneAtATime(defaultTimeoutMs: 1000));
        _ = harness.Enqueue("running");
        await harness.Executor.NextBatchAsync();

        var late = harness.Enqueue("late", timeout: TimeSpan.FromSeconds(30));
        harness.Clock.AdvanceMs(1000);

        var error = await Assert.ThrowsAsync<QueueTimeoutException>(() => late.Within());
        Assert.Equal(TimeSpan.FromSeconds(1), error.Timeout);
    }

    [Fact]
    public async Task The_queue_deadline_does_not_interrupt_a_running_request()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        var task = harness.Enqueue("slow", timeout: TimeSpan.FromMilliseconds(100));
        var batch = await harness.Executor.NextBatchAsync();

        harness.Clock.AdvanceMs(500);
        Assert.False(task.IsCompleted);
        Assert.False(batch.Requests[0].CancellationToken.IsCancellationRequested);
        batch.FinishAll();

        Assert.Equal("slow", (await task.Within()).Result.Text);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_is_removed_and_never_runs()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        var running = harness.Enqueue("running");
        var first = await harness.Executor.NextBatchAsync();
        using var cancel = new CancellationTokenSource();
        var abandoned = harness.Enqueue("abandoned", cancellationToken: cancel.Token);

        cancel.Cancel();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.Within());

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.Equal(0, harness.Batcher.QueueDepth);
        first.FinishAll();
        var after = harness.Enqueue("after");
        var next = await harness.Executor.NextBatchAsync();
        next.FinishAll();
        await Task.WhenAll(running, after).Within();
        Assert.Equal(["after"], next.Prompts);
        Assert.DoesNotContain(harness.Executor.Batches, b => b.Prompts.Contains("abandoned"));
    }

    [Fact]
    public async Task A_request_cancelled_while_running_cancels_the_engine_request_and_the_callers_task()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        using var cancel = new CancellationTokenSource();
        var task = harness.Enqueue("running", cancellationToken: cancel.Token);
        var batch = await harness.Executor.NextBatchAsync();
        Assert.False(batch.Requests[0].CancellationToken.IsCancellationRequested);

        cancel.Cancel();

        Assert.True(batch.Requests[0].CancellationToken.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.Within());
        Assert.False(batch.BatchToken.IsCancellationRequested); // only this request, not its batch
    }

    [Fact]
    public async Task The_requests_own_token_is_honoured_like_the_callers()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());
        _ = harness.Enqueue("running");
        await harness.Executor.NextBatchAsync();
        using var own = new CancellationTokenSource();
        var queued = harness.Batcher.EnqueueAsync(TestRequests.Create("own", token: own.Token));

        own.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Within());
        Assert.Equal(0, harness.Batcher.QueueDepth);
    }

    [Fact]
    public async Task An_already_cancelled_request_is_not_queued()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());

        var task = harness.Enqueue("late", cancellationToken: new CancellationToken(canceled: true));

        Assert.True(task.IsCanceled);
        Assert.Equal(0, harness.Batcher.QueueDepth);
    }

    [Fact]
    public async Task A_non_positive_timeout_is_refused()
    {
        await using var harness = BatcherHarness.Create(OneAtATime());

        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = harness.Enqueue("r", timeout: TimeSpan.Zero); });
        Assert.Equal(0, harness.Batcher.QueueDepth);
    }
}
