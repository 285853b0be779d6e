using System.Diagnostics;

namespace Florence2.Inference;

/// <summary>One timed batch: wall time and the stage timings of the request that finished last.</summary>
/// <param name="BatchSize">Requests in the batch.</param>
/// <param name="WallMs">Wall time of <see cref="Florence2Engine.RunBatch(IReadOnlyList{EngineRequest}, Action{int, EngineOutcome}, CancellationToken)"/>.</param>
/// <param name="Slowest">Stage timings of the request that finished last (vision and encoder are shared by the batch).</param>
/// <param name="MeanGeneratedTokens">Tokens generated per request, averaged over the batch.</param>
public sealed record BatchMeasurement(int BatchSize, double WallMs, StageTimings Slowest, double MeanGeneratedTokens)
{
    /// <summary>Decoder time per step of the slowest request.</summary>
    public double DecoderMsPerStep => Slowest.DecoderMs / Math.Max(1, Slowest.DecoderSteps);
}

/// <summary>
/// Times engine batches for profilers and benchmarks (the <c>florence2 profile</c> command and Florence2.Benchmark):
/// runs a batch, checks every request completed, and reports wall time and per-stage timings.
/// </summary>
public static class EngineProfiler
{
    /// <summary>Runs one batch of <paramref name="batchSize"/> requests made by <paramref name="makeRequest"/> and times it.</summary>
    /// <exception cref="InvalidOperationException">A request did not complete.</exception>
    public static BatchMeasurement Measure(Florence2Engine engine, int batchSize, Func<int, EngineRequest> makeRequest)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(makeRequest);
        var batch = Enumerable.Range(0, batchSize).Select(makeRequest).ToArray();
        long started = Stopwatch.GetTimestamp();
        var outcomes = engine.RunBatch(batch);
        double wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var failed = outcomes.FirstOrDefault(o => o.Status != EngineOutcomeStatus.Completed);
        if (failed is not null)
            throw failed.Error is { } error
                ? new InvalidOperationException($"request failed: {error.Message}", error)
                : new InvalidOperationException($"request {failed.Status}");
        var results = outcomes.Select(o => o.Result!).ToArray();
        return new BatchMeasurement(batchSize, wall, results.Select(r => r.Timings).MaxBy(t => t.DecoderMs)!,
            results.Average(r => r.GeneratedTokens));
    }

    /// <summary>Runs <paramref name="repeat"/> batches and returns them all (callers pick best or median).</summary>
    public static IReadOnlyList<BatchMeasurement> MeasureRepeated(Florence2Engine engine, int batchSize, int repeat,
        Func<int, EngineRequest> makeRequest)
    {
        var runs = new List<BatchMeasurement>(repeat);
        for (int r = 0; r < repeat; r++) runs.Add(Measure(engine, batchSize, makeRequest));
        return runs;
    }
}
