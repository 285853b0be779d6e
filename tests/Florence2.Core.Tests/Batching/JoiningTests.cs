using System.Runtime.CompilerServices;
using Florence2.Batching;
using Florence2.Generation;
using Florence2.Inference;

namespace Florence2.Tests.Batching;

/// <summary>Continuous batching as the batcher sees it: who may join a running batch, and every joiner answered once.</summary>
public sealed class JoiningTests
{
    private static BatchingOptions Continuous(int maxBatchSize = 8, int maxQueueDelayMs = 0) => new()
    {
        MaxBatchSize = maxBatchSize,
        MaxQueueDelayMs = maxQueueDelayMs,
        Mode = BatchingMode.Continuous,
    };

    [Fact]
    public async Task A_request_queued_while_a_batch_runs_joins_it_and_is_answered_from_it()
    {
        await using var harness = BatcherHarness.Create(Continuous(), acceptsJoiners: true);
        var first = harness.Enqueue("first");
        var batch = await harness.Executor.NextBatchAsync();
        var second = harness.Enqueue("second");

        Assert.Equal(["second"], await batch.JoinAsync(rowsInUse: 1));
        Assert.Equal(0, harness.Batcher.QueueDepth);
        batch.Finish(1);
        var joined = await second.Within();
        batch.Finish(0);
        await first.Within();

        Assert.Equal(BatchingMode.Continuous, harness.Batcher.Mode);
        Assert.Single(harness.Executor.Batches);
        Assert.Equal("second", joined.Result.Text);
        Assert.Equal(2, joined.BatchSize); // it decoded beside "first"
    }

    /// <summary>A live request 2 steps of 10 ms from its end, a prefill of 100 ms a request: it finishes first.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_request_about_to_finish_finishes_before_others_join_unless_finish_first_is_off(bool finishFirst)
    {
        var options = Continuous();
        options.FinishFirst = finishFirst;
        await using var harness = BatcherHarness.Create(options, acceptsJoiners: true);
        var first = harness.Enqueue("first");
        var batch = await harness.Executor.NextBatchAsync();
        var second = harness.Enqueue("second");
        var nearItsEnd = new JoinMoment(RowsInUse: 1, StepsToSoonestFinish: 2, StepMs: 10, PrefillMsPerRequest: 100);

        if (finishFirst)
        {
            Assert.Empty(await batch.JoinAsync(nearItsEnd));
            Assert.Equal(1, harness.Batcher.QueueDepth);
            harness.Clock.AdvanceMs(10);
            Assert.Empty(await batch.JoinAsync(nearItsEnd with { StepsToSoonestFinish = 1 }));
            batch.Finish(0);
            await first.Within();
            var next = await harness.Executor.NextBatchAsync(); // it left, the batch ended: the joiner runs on its own
            Assert.Equal(["second"], next.Prompts);
            next.Finish(0);
        }
        else
        {
            Assert.Equal(["second"], await batch.JoinAsync(nearItsEnd));
            batch.Finish(0);
            await first.Within();
            batch.Finish(1);
        }
        var joined = await second.Within();
        Assert.Equal(finishFirst ? 1 : 2, joined.BatchSize);
    }

    [Fact]
    public async Task Joiners_held_back_for_one_prefill_time_join_though_a_request_is_still_close_to_its_end()
    {
        await using var harness = BatcherHarness.Create(Continuous(), acceptsJoiners: true);
        var first = harness.Enqueue("first");
        var batch = await harness.Executor.NextBatchAsync();
        var second = harness.Enqueue("second");
        var nearItsEnd = new JoinMoment(RowsInUse: 1, StepsToSoonestFinish: 5, StepMs: 10, PrefillMsPerRequest: 100);

        Assert.Empty(await batch.JoinAsync(nearItsEnd));
        harness.Clock.AdvanceMs(99);
        Assert.Empty(await batch.JoinAsync(nearItsEnd));
        harness.Clock.AdvanceMs(1);
        Assert.Equal(["second"], await batch.JoinAsync(nearItsEnd));
        batch.FinishAll();
        await Task.WhenAll(first, second).Within();
    }

    [Fact]
    public async Task Beams_count_as_rows_against_the_batch_size_at_formation_and_when_joining()
    {
        await using var harness = BatcherHarness.Create(Continuous(maxBatchSize: 4, maxQueueDelayMs: 100), acceptsJoiners: true);
        var beams = new GenerationSettings { NumBeams = 2 };
        var tasks = Enumerable.Range(0, 3).Select(i => harness.Enqueue($"b{i}", beams)).ToList();

        var batch = await harness.Executor.NextBatchAsync(); // two requests fill four rows: it leaves without waiting
        Assert.Equal(["b0", "b1"], batch.Prompts);
        Assert.Empty(await batch.JoinAsync(rowsInUse: 4));
        Assert.Equal(1, harness.Batcher.QueueDepth);

        batch.Finish(0);
        await tasks[0].Within();
        Assert.Equal(["b2"], await batch.JoinAsync(rowsInUse: 2));
        batch.Finish(1);
        batch.Finish(2);
        await Task.WhenAll(tasks).Within();
    }

    [Fact]
    public async Task Joiners_gather_like_a_forming_batch_until_they_fill_the_room_or_the_oldest_has_waited_its_delay()
    {
        await using var harness = BatcherHarness.Create(Continuous(maxBatchSize: 4, maxQueueDelayMs: 50), acceptsJoiners: true);
        var greedy = new GenerationSettings { NumBeams = 1 }; // one row each
        var first = harness.Enqueue("first", greedy);
        harness.Clock.AdvanceMs(50);
        var batch = await harness.Executor.NextBatchAsync();

        var tasks = new List<Task<BatchedResult>> { first, harness.Enqueue("a", greedy) };
        harness.Clock.AdvanceMs(30);
        tasks.Add(harness.Enqueue("b", greedy));
        Assert.Empty(await batch.JoinAsync(rowsInUse: 1)); // two of three places, the oldest waited 30 of 50 ms
        harness.Clock.AdvanceMs(20);
        Assert.Equal(["a", "b"], await batch.JoinAsync(rowsInUse: 1)); // one prefill for both
        tasks.Add(harness.Enqueue("c", greedy));
        Assert.Equal(["c"], await batch.JoinAsync(rowsInUse: 3)); // it fills the room: no waiting

        batch.FinishAll();
        await Task.WhenAll(tasks).Within();
    }

    [Fact]
    public async Task Only_compatible_requests_join_and_none_once_an_incompatible_one_has_waited_its_delay()
    {
        await using var harness = BatcherHarness.Create(Continuous(maxQueueDelayMs: 50), acceptsJoiners: true);
        var greedy = new GenerationSettings { NumBeams = 1 };
        var first = harness.Enqueue("greedy-0", greedy);
        harness.Clock.AdvanceMs(50);
        var batch = await harness.Executor.NextBatchAsync();

        var second = harness.Enqueue("greedy-1", greedy);
        harness.Clock.AdvanceMs(20);
        var beam = harness.Enqueue("beam", new GenerationSettings { NumBeams = 3 });
        harness.Clock.AdvanceMs(30);
        Assert.Equal(["greedy-1"], await batch.JoinAsync(rowsInUse: 1)); // the beam request may not join, the greedy one may

        var third = harness.Enqueue("greedy-2", greedy);
        harness.Clock.AdvanceMs(50); // the beam request has now waited its delay: the batch stops taking joiners
        Assert.Empty(await batch.JoinAsync(rowsInUse: 2));
        Assert.Equal(2, harness.Batcher.QueueDepth);

        batch.FinishAll();
        await Task.WhenAll(first, second).Within();
        var next = await harness.Executor.NextBatchAsync();
        Assert.Equal(["beam"], next.Prompts); // served next, ahead of the greedy request that came after it
        next.FinishAll();
        (await harness.Executor.NextBatchAsync()).FinishAll();
        await Task.WhenAll(beam, third).Within();
    }

    [Fact]
    public async Task In_cohort_mode_or_with_an_instance_that_takes_no_joiners_a_running_batch_is_closed()
    {
        await using var cohort = BatcherHarness.Create(Continuous(), acceptsJoiners: true);
        await using var closed = BatcherHarness.Create(new BatchingOptions { MaxQueueDelayMs = 0, Mode = BatchingMode.Cohort }, acceptsJoiners: true);
        await using var unable = BatcherHarness.Create(Continuous(), acceptsJoiners: false);

        foreach (var harness in new[] { closed, unable })
        {
            var task = harness.Enqueue("only");
            var batch = await harness.Executor.NextBatchAsync();
            Assert.False(batch.TakesJoiners);
            Assert.Equal(BatchingMode.Cohort, harness.Batcher.Mode);
            batch.FinishAll();
            await task.Within();
        }
        var open = cohort.Enqueue("only");
        var running = await cohort.Executor.NextBatchAsync();
        Assert.True(running.TakesJoiners);
        running.FinishAll();
        await open.Within();
    }

    [Fact]
    public async Task Joiners_are_answered_exactly_once_when_cancelled_or_when_the_batch_fails()
    {
        await using var harness = BatcherHarness.Create(Continuous(), acceptsJoiners: true);
        var first = harness.Enqueue("first");
        var batch = await harness.Executor.NextBatchAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = harness.Enqueue("cancelled", cancellationToken: cancel.Token);
        var failed = harness.Enqueue("failed");
        Assert.Equal(["cancelled", "failed"], await batch.JoinAsync(rowsInUse: 1));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.Within());
        batch.Finish(2, new EngineOutcome(EngineOutcomeStatus.Failed, Error: new InvalidOperationException("boom")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Within());
        batch.Finish(0);
        await first.Within();

        var after = harness.Enqueue("after");
        (await harness.Executor.NextBatchAsync()).FinishAll();
        await after.Within();
        Assert.Equal(0, harness.Batcher.QueueDepth);
        Assert.Equal(0, harness.Batcher.RunningRequests);
    }

    [Fact]
    public async Task A_drain_waits_for_joiners_and_an_aborted_batch_cancels_them()
    {
        var harness = BatcherHarness.Create(Continuous(), acceptsJoiners: true);
        var first = harness.Enqueue("first");
        var batch = await harness.Executor.NextBatchAsync();
        var joiner = harness.Enqueue("joiner");
        await batch.JoinAsync(rowsInUse: 1);

        var drain = harness.Batcher.DrainAsync();
        batch.Finish(0);
        await first.Within();
        Assert.False(drain.IsCompleted, "the joiner still runs");
        await harness.DisposeAsync(); // cancels the drain and aborts the batch
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => joiner.Within());
        Assert.Equal(0, harness.Batcher.RunningRequests);
    }

    [Fact]
    public async Task A_refusal_advises_waiting_by_the_answers_of_a_batch_that_has_not_ended()
    {
        var options = Continuous(maxBatchSize: 2);
        options.MaxQueueSize = 2;
        var greedy = new GenerationSettings { NumBeams = 1 }; // one row each
        await using var harness = BatcherHarness.Create(options, acceptsJoiners: true);
        var first = harness.Enqueue("first", greedy);
        var batch = await harness.Executor.NextBatchAsync();
        for (int i = 1; i <= 4; i++) // joiners answered every 2 s while "first" keeps the batch running
        {
            var joiner = harness.Enqueue($"j{i}", greedy);
            Assert.Equal([$"j{i}"], await batch.JoinAsync(rowsInUse: 1));
            harness.Clock.AdvanceMs(2000);
            batch.Finish(i);
            await joiner.Within();
        }
        var queued = new[] { harness.Enqueue("q1", greedy), harness.Enqueue("q2", greedy) };

        var refused = Assert.Throws<QueueFullException>(() => { _ = harness.Enqueue("one-too-many", greedy); });

        // 4 answers over 6 s: 0.5 a second, so the 3 requests ahead (2 queued and the refused one) take 6 s.
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter);
        Assert.Equal(["q1", "q2"], await batch.JoinAsync(rowsInUse: 0));
        batch.FinishAll();
        await Task.WhenAll([first, .. queued]).Within();
    }

    [Fact]
    public async Task A_batch_that_requests_keep_joining_lets_go_of_each_once_it_is_answered()
    {
        // Under steady traffic a continuous batch never ends; what it keeps of answered requests (their images
        // above all) would grow with every request served.
        var executor = new AnsweringExecutor();
        await using var harness = BatcherHarness.Create(Continuous(), executor);
        await harness.Enqueue("first").Within();
        var images = new List<WeakReference>();
        for (int i = 0; i < 20; i++) await Submit(harness.Batcher, images).Within();

        Assert.Equal(1, executor.Batches); // every one of them joined the batch that is still running
        Reachability.CollectFully();
        Assert.Equal(0, images.Count(image => image.IsAlive));
    }

    /// <summary>Queues a request whose image only <paramref name="images"/> tracks (weakly); made here so no caller's frame holds it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task<BatchedResult> Submit(DynamicBatcher batcher, List<WeakReference> images)
    {
        var request = TestRequests.Create("joiner");
        images.Add(new WeakReference(request.Image));
        return batcher.EnqueueAsync(request, timeout: null, CancellationToken.None);
    }

    /// <summary>
    /// A model instance whose one batch never ends: it answers its requests at once, then keeps asking for joiners and
    /// answers each as it arrives, until the batch is aborted. It keeps nothing of a request, so whatever stays
    /// reachable is the batcher's.
    /// </summary>
    private sealed class AnsweringExecutor : IBatchExecutor
    {
        private int _batches;

        public int Batches => Volatile.Read(ref _batches);

        public bool AcceptsJoiners => true;

        public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
            CancellationToken cancellationToken) => throw new NotSupportedException("continuous batching only");

        public void RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome> onFinished, JoinerSource joiners,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _batches);
            int index = 0;
            for (; index < requests.Count; index++) onFinished(index, TestRequests.Completed(requests[index].Prompt, requests.Count));
            while (!cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(1))) index = AnswerJoiners(joiners, onFinished, index);
        }

        /// <summary>A method of its own so that no slot of the endless loop keeps the last joiner reachable.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int AnswerJoiners(JoinerSource joiners, Action<int, EngineOutcome> onFinished, int index)
        {
            foreach (var joiner in joiners(JoinMoment.Rows(0))) onFinished(index++, TestRequests.Completed(joiner.Prompt, 1));
            return index;
        }
    }
}
