using Florence2.Batching;
using Florence2.Inference;

namespace Florence2.Tests.Batching;

/// <summary>Executors that break the contract: every request must still be answered exactly once, and the batcher must go on.</summary>
public sealed class ExactlyOnceTests
{
    private static BatchingOptions Pairs => new() { MaxBatchSize = 2, MaxQueueDelayMs = 10_000 };

    [Fact]
    public async Task An_executor_that_throws_faults_its_batch_and_the_next_batch_still_runs()
    {
        var boom = new InvalidOperationException("boom");
        var executor = new MisbehavingExecutor((_, _) => throw boom);
        await using var harness = BatcherHarness.Create(Pairs, executor);

        var tasks = new[] { harness.Enqueue("a"), harness.Enqueue("b") };
        foreach (var task in tasks)
            Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => task.Within()));

        await AssertStillWorks(harness);
    }

    [Fact]
    public async Task An_executor_that_only_returns_outcomes_still_answers_every_request()
    {
        var executor = new MisbehavingExecutor((requests, _) =>
            [.. requests.Select(r => TestRequests.Completed(r.Prompt, requests.Count))]);
        await using var harness = BatcherHarness.Create(Pairs, executor);

        var results = await Task.WhenAll(harness.Enqueue("a"), harness.Enqueue("b")).Within();

        Assert.Equal(["a", "b"], results.Select(r => r.Result.Text));
        await AssertStillWorks(harness);
    }

    [Fact]
    public async Task An_executor_that_returns_too_few_outcomes_faults_the_unanswered_requests()
    {
        var executor = new MisbehavingExecutor((requests, onFinished) =>
        {
            var first = TestRequests.Completed(requests[0].Prompt, requests.Count);
            onFinished?.Invoke(0, first);
            return [first];
        });
        await using var harness = BatcherHarness.Create(Pairs, executor);

        var answered = harness.Enqueue("a");
        var forgotten = harness.Enqueue("b");

        Assert.Equal("a", (await answered.Within()).Result.Text);
        await Assert.ThrowsAsync<InvalidOperationException>(() => forgotten.Within());
        await AssertStillWorks(harness);
    }

    [Fact]
    public async Task An_executor_that_reports_twice_or_out_of_range_keeps_the_first_report()
    {
        var executor = new MisbehavingExecutor((requests, onFinished) =>
        {
            var outcomes = requests.Select(r => TestRequests.Completed(r.Prompt, requests.Count)).ToArray();
            onFinished?.Invoke(0, outcomes[0]);
            onFinished?.Invoke(0, new EngineOutcome(EngineOutcomeStatus.Failed, Error: new InvalidOperationException("again")));
            onFinished?.Invoke(7, outcomes[0]);
            onFinished?.Invoke(1, EngineOutcome.Cancelled);
            onFinished?.Invoke(1, outcomes[1]);
            return outcomes;
        });
        await using var harness = BatcherHarness.Create(Pairs, executor);

        var first = harness.Enqueue("a");
        var second = harness.Enqueue("b");

        Assert.Equal("a", (await first.Within()).Result.Text);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.Within());
        await AssertStillWorks(harness);
    }

    /// <summary>
    /// A later batch is answered, and a drain finds nothing running: a request released twice (or never) would leave
    /// the running count off zero and the drain would not complete.
    /// </summary>
    private static async Task AssertStillWorks(BatcherHarness harness)
    {
        var executor = (MisbehavingExecutor)harness.Instances[0];
        var results = await Task.WhenAll(harness.Enqueue("c"), harness.Enqueue("d")).Within();
        Assert.Equal(["c", "d"], results.Select(r => r.Result.Text));
        Assert.Equal(2, executor.Calls);

        await harness.Batcher.DrainAsync().Within();
        Assert.Equal(0, harness.Batcher.RunningRequests);
        Assert.Equal(0, harness.Batcher.QueueDepth);
    }

    /// <summary>Misbehaves on its first batch only, then completes every request properly.</summary>
    private sealed class MisbehavingExecutor(
        Func<IReadOnlyList<EngineRequest>, Action<int, EngineOutcome>?, IReadOnlyList<EngineOutcome>> firstBatch) : IBatchExecutor
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
            CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1) return firstBatch(requests, onFinished);
            var outcomes = requests.Select(r => TestRequests.Completed(r.Prompt, requests.Count)).ToArray();
            for (int i = 0; i < outcomes.Length; i++) onFinished?.Invoke(i, outcomes[i]);
            return outcomes;
        }
    }
}
