using Florence2.Batching;
using Florence2.Generation;

namespace Florence2.Tests.Batching;

public sealed class BatchFormationTests
{
    [Fact]
    public async Task Batches_never_exceed_MaxBatchSize_and_keep_arrival_order()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 3, MaxQueueDelayMs = 100 }, autoFinish: true);

        var tasks = Enumerable.Range(0, 7).Select(i => harness.Enqueue($"r{i}")).ToList();
        // Two full batches leave at once; the last one waits out the oldest request's delay.
        harness.Clock.AdvanceMs(100);
        var results = await Task.WhenAll(tasks).Within();

        Assert.Equal(
            [["r0", "r1", "r2"], ["r3", "r4", "r5"], ["r6"]],
            harness.Executor.Batches.Select(b => b.Prompts));
        Assert.Equal([3, 3, 3, 3, 3, 3, 1], results.Select(r => r.BatchSize));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"r{i}"), results.Select(r => r.Result.Text));
    }

    [Fact]
    public async Task Concurrent_requests_are_batched_together()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMs = 50 }, autoFinish: true);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => harness.Enqueue($"r{i}")))).Within();

        var batch = Assert.Single(harness.Executor.Batches);
        Assert.Equal(8, batch.Requests.Count);
        Assert.All(results, r => Assert.Equal(8, r.BatchSize));
    }

    [Fact]
    public async Task A_group_reaches_an_idle_worker_whole_even_when_its_thread_stalls_midway()
    {
        // No queue delay: a worker takes whatever is queued the moment it wakes. The enqueuing thread is held at its
        // second clock read until the worker has taken a batch (at most 500 ms). Admitted one by one, each request
        // stamped on its own, the worker would take the first alone, as /v1/analyze's tasks were split on a busy CI
        // machine; admitted as one group, stamped once, all three are queued before the worker can look.
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMs = 0 });
        var firstBatch = harness.Executor.NextBatchAsync();
        var enqueued = new TaskCompletionSource<IReadOnlyList<Task<BatchedResult>>>(TaskCreationOptions.RunContinuationsAsynchronously);
        // On a thread of its own, awaited not joined: holding it must not starve the thread pool the worker wakes on.
        var enqueuer = new Thread(() =>
        {
            int self = Environment.CurrentManagedThreadId, reads = 0;
            harness.Clock.BeforeTimestampRead = () =>
            {
                if (Environment.CurrentManagedThreadId == self && ++reads == 2)
                    SpinWait.SpinUntil(() => harness.Executor.Batches.Count > 0, TimeSpan.FromMilliseconds(500));
            };
            enqueued.SetResult(harness.Batcher.EnqueueAll([.. Enumerable.Range(0, 3).Select(i => TestRequests.Create($"r{i}"))]));
            harness.Clock.BeforeTimestampRead = null;
        });
        enqueuer.Start();
        var group = await enqueued.Task.Within();
        var batch = await firstBatch;
        Assert.Equal(["r0", "r1", "r2"], batch.Prompts);
        batch.FinishAll();
        var results = await Task.WhenAll(group).Within();
        Assert.All(results, r => Assert.Equal(3, r.BatchSize));
    }

    [Fact]
    public async Task Incompatible_settings_go_to_separate_batches_without_reordering_the_rest()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 4, MaxQueueDelayMs = 100 }, autoFinish: true);
        var beam = new GenerationSettings { NumBeams = 3 };
        var greedy = new GenerationSettings { NumBeams = 1 };

        var tasks = new[]
        {
            harness.Enqueue("beam-a", beam with { MaxNewTokens = 20 }),
            harness.Enqueue("greedy-b", greedy),
            harness.Enqueue("beam-c", beam with { MaxNewTokens = 500 }), // another token budget is still compatible
            harness.Enqueue("greedy-d", greedy),
            harness.Enqueue("beam-e", beam),
        };
        harness.Clock.AdvanceMs(100);
        await Task.WhenAll(tasks).Within();

        Assert.Equal(
            [["beam-a", "beam-c", "beam-e"], ["greedy-b", "greedy-d"]],
            harness.Executor.Batches.Select(b => b.Prompts));
    }

    [Fact]
    public async Task A_lone_request_waits_exactly_the_queue_delay()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 4, MaxQueueDelayMs = 5, DefaultTimeoutMs = 0 });

        var task = harness.Enqueue("alone");
        await harness.Clock.WhenTimerArmed(TimeSpan.FromMilliseconds(5)).Within();
        harness.Clock.AdvanceMs(4);

        Assert.Empty(harness.Executor.Batches);
        Assert.Equal(1, harness.Batcher.QueueDepth);

        harness.Clock.AdvanceMs(1);
        var batch = await harness.Executor.NextBatchAsync();
        batch.FinishAll();
        var result = await task.Within();

        Assert.Equal(["alone"], batch.Prompts);
        Assert.Equal(5, result.QueueMs);
        Assert.Equal(1, result.BatchSize);
    }

    [Fact]
    public async Task A_full_batch_leaves_without_waiting_for_the_delay()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 3, MaxQueueDelayMs = 10_000 });

        var tasks = Enumerable.Range(0, 3).Select(i => harness.Enqueue($"r{i}")).ToList();
        var batch = await harness.Executor.NextBatchAsync(); // no time has passed
        batch.FinishAll();
        var results = await Task.WhenAll(tasks).Within();

        Assert.Equal(["r0", "r1", "r2"], batch.Prompts);
        Assert.All(results, r => Assert.Equal(0, r.QueueMs));
    }

    [Fact]
    public async Task Zero_delay_takes_what_is_queued_right_now()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMs = 0 });

        var first = harness.Enqueue("first");
        var running = await harness.Executor.NextBatchAsync();
        var waiting = Enumerable.Range(0, 3).Select(i => harness.Enqueue($"r{i}")).ToList();
        running.FinishAll();
        var next = await harness.Executor.NextBatchAsync();
        next.FinishAll();
        await Task.WhenAll([first, .. waiting]).Within();

        Assert.Equal(["first"], running.Prompts);
        Assert.Equal(["r0", "r1", "r2"], next.Prompts);
    }

    [Fact]
    public async Task Executors_run_on_a_dedicated_thread_not_the_callers()
    {
        await using var harness = BatcherHarness.Create(new BatchingOptions { MaxBatchSize = 1 });

        var task = harness.Enqueue("r0");
        var batch = await harness.Executor.NextBatchAsync();
        batch.FinishAll();
        await task.Within();

        Assert.NotEqual(Environment.CurrentManagedThreadId, batch.ThreadId);
    }
}
