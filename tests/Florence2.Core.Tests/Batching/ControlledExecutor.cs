using System.Collections.Concurrent;
using System.Threading.Channels;
using Florence2.Batching;
using Florence2.Inference;

namespace Florence2.Tests.Batching;

/// <summary>
/// A fake model instance: records every batch it receives and holds each request until the test finishes it. Like
/// the engine it drops a request whose token fires and cancels what is left when the batch token fires.
/// </summary>
internal sealed class ControlledExecutor : IBatchExecutor
{
    private readonly Channel<ReceivedBatch> _arrivals = Channel.CreateUnbounded<ReceivedBatch>();
    private readonly ConcurrentQueue<ReceivedBatch> _received = new();

    /// <summary>Finish every request as soon as the batch arrives.</summary>
    public bool AutoFinish { get; init; }

    public IReadOnlyList<ReceivedBatch> Batches => [.. _received];

    public Task<ReceivedBatch> NextBatchAsync() => _arrivals.Reader.ReadAsync().AsTask().WaitAsync(Safety.Timeout);

    public IReadOnlyList<EngineOutcome> RunBatch(IReadOnlyList<EngineRequest> requests, Action<int, EngineOutcome>? onFinished,
        CancellationToken cancellationToken)
    {
        var batch = new ReceivedBatch(requests, cancellationToken, Environment.CurrentManagedThreadId);
        _received.Enqueue(batch);
        _arrivals.Writer.TryWrite(batch);
        if (AutoFinish) batch.FinishAll();
        return batch.Run(onFinished, cancellationToken);
    }
}

/// <summary>One batch as the fake instance received it; the test decides when (and how) each request finishes.</summary>
internal sealed class ReceivedBatch(IReadOnlyList<EngineRequest> requests, CancellationToken batchToken, int threadId)
{
    private readonly BlockingCollection<(int Index, EngineOutcome Outcome)> _finishes = new();

    public IReadOnlyList<EngineRequest> Requests { get; } = requests;

    public IReadOnlyList<string> Prompts => [.. Requests.Select(r => r.Prompt)];

    public CancellationToken BatchToken { get; } = batchToken;

    /// <summary>The thread RunBatch was called on.</summary>
    public int ThreadId { get; } = threadId;

    public void Finish(int index, EngineOutcome? outcome = null) =>
        _finishes.Add((index, outcome ?? TestRequests.Completed(Requests[index].Prompt, Requests.Count)));

    public void FinishAll()
    {
        for (int i = 0; i < Requests.Count; i++) Finish(i);
    }

    internal IReadOnlyList<EngineOutcome> Run(Action<int, EngineOutcome>? onFinished, CancellationToken cancellationToken)
    {
        var outcomes = new EngineOutcome?[Requests.Count];
        var registrations = Requests
            .Select((request, i) => request.CancellationToken.Register(() => _finishes.Add((i, EngineOutcome.Cancelled))))
            .ToList();
        int remaining = Requests.Count;
        try
        {
            while (remaining > 0)
            {
                var (index, outcome) = _finishes.Take(cancellationToken);
                if (outcomes[index] is not null) continue;
                outcomes[index] = outcome;
                remaining--;
                onFinished?.Invoke(index, outcome);
            }
        }
        catch (OperationCanceledException)
        {
            for (int i = 0; i < outcomes.Length; i++)
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
        return outcomes!;
    }
}
