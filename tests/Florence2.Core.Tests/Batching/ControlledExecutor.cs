using System.Collections.Concurrent;
using System.Threading.Channels;
using Florence2.Batching;
using Florence2.Inference;

namespace Florence2.Tests.Batching;

/// <summary>
/// A fake model instance: records every batch it receives and holds each request until the test finishes it. Like
/// the engine it drops a request whose token fires and cancels what is left when the batch token fires; when it
/// accepts joiners, the test decides when a running batch asks for them.
/// </summary>
internal sealed class ControlledExecutor : IBatchExecutor
{
    private readonly Channel<ReceivedBatch> _arrivals = Channel.CreateUnbounded<ReceivedBatch>();
    private readonly ConcurrentQueue<ReceivedBatch> _received = new();

    /// <summary>Finish every request as soon as the batch arrives.</summary>
    public bool AutoFinish { get; init; }

    /// <summary>Whether it tells the batcher it takes joiners (continuous batching).</summary>
    public bool AcceptsJoiners { get; init; }

    public IReadOnlyList<ReceivedBatch> Batches => [.. _received];

    public Task<ReceivedBatch> NextBatchAsync() => _arrivals.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);

    public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
        CancellationToken cancellationToken) => Receive(requests, onFinished, null, cancellationToken);

    public void RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome> onFinished,
        JoinerSource joiners, CancellationToken cancellationToken) => Receive(requests, onFinished, joiners, cancellationToken);

    private IReadOnlyList<EngineOutcome> Receive(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
        JoinerSource? joiners, CancellationToken cancellationToken)
    {
        var batch = new ReceivedBatch(requests, joiners, cancellationToken, Environment.CurrentManagedThreadId);
        _received.Enqueue(batch);
        _arrivals.Writer.TryWrite(batch);
        if (AutoFinish) batch.FinishAll();
        return batch.Run(onFinished, cancellationToken);
    }
}

/// <summary>One batch as the fake instance received it; the test decides when (and how) each request finishes.</summary>
internal sealed class ReceivedBatch(IReadOnlyList<EngineRequest> requests, JoinerSource? joiners, CancellationToken batchToken, int threadId)
{
    /// <summary>Not a request index: asks the running batch for joiners (on its own thread, as the engine does).</summary>
    private const int JoinSignal = -1;

    private readonly BlockingCollection<(int Index, EngineOutcome? Outcome)> _commands = new();
    private readonly ConcurrentQueue<(JoinMoment Moment, TaskCompletionSource<IReadOnlyList<string>> Joined)> _joins = new();
    private readonly List<EngineRequest> _requests = [.. requests];
    private readonly Lock _lock = new();

    /// <summary>The batch's requests, then those that joined it.</summary>
    public IReadOnlyList<EngineRequest> Requests
    {
        get { lock (_lock) return [.. _requests]; }
    }

    public IReadOnlyList<string> Prompts => [.. Requests.Select(r => r.Prompt)];

    /// <summary>Whether the batcher handed this batch a joiner source.</summary>
    public bool TakesJoiners => joiners is not null;

    public CancellationToken BatchToken { get; } = batchToken;

    /// <summary>The thread RunBatch was called on.</summary>
    public int ThreadId { get; } = threadId;

    public void Finish(int index, EngineOutcome? outcome = null)
    {
        var request = Requests[index];
        _commands.Add((index, outcome ?? TestRequests.Completed(request.Prompt, Requests.Count)));
    }

    public void FinishAll()
    {
        for (int i = 0; i < Requests.Count; i++) Finish(i);
    }

    /// <summary>Has the running batch ask for joiners with <paramref name="rowsInUse"/> rows in use; returns the prompts that joined.</summary>
    public Task<IReadOnlyList<string>> JoinAsync(int rowsInUse) => JoinAsync(JoinMoment.Rows(rowsInUse));

    /// <summary>Has the running batch ask for joiners at <paramref name="moment"/>; returns the prompts that joined.</summary>
    public Task<IReadOnlyList<string>> JoinAsync(JoinMoment moment)
    {
        var joined = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _joins.Enqueue((moment, joined));
        _commands.Add((JoinSignal, null));
        return joined.Task.WaitAsync(Safety.Timeout);
    }

    internal IReadOnlyList<EngineOutcome> Run(Action<int, EngineOutcome>? onFinished, CancellationToken cancellationToken)
    {
        var outcomes = new List<EngineOutcome?>(Requests.Select(_ => (EngineOutcome?)null));
        var registrations = new List<CancellationTokenRegistration>();
        void Watch(int from)
        {
            var all = Requests;
            for (int i = from; i < all.Count; i++)
            {
                int index = i;
                registrations.Add(all[i].CancellationToken.Register(() => _commands.Add((index, EngineOutcome.Cancelled))));
            }
        }
        Watch(0);
        int remaining = outcomes.Count;
        try
        {
            while (remaining > 0)
            {
                var (index, outcome) = _commands.Take(cancellationToken);
                if (index == JoinSignal)
                {
                    _joins.TryDequeue(out var join);
                    var arrivals = joiners?.Invoke(join.Moment) ?? [];
                    int before;
                    lock (_lock)
                    {
                        before = _requests.Count;
                        _requests.AddRange(arrivals);
                    }
                    outcomes.AddRange(arrivals.Select(_ => (EngineOutcome?)null));
                    remaining += arrivals.Count;
                    Watch(before);
                    join.Joined.SetResult([.. arrivals.Select(r => r.Prompt)]);
                    continue;
                }
                if (outcomes[index] is not null) continue;
                outcomes[index] = outcome;
                remaining--;
                onFinished?.Invoke(index, outcome!);
            }
        }
        catch (OperationCanceledException)
        {
            for (int i = 0; i < outcomes.Count; i++)
            {
                if (outcomes[i] is not null) continue;
                outcomes[i] = EngineOutcome.Cancelled;
                onFinished?.Invoke(i, EngineOutcome.Cancelled);
            }
        }
        finally
        {
            foreach (var registration in registrations) registration.Dispose();
        }
        return [.. outcomes.Select(o => o!)];
    }
}
