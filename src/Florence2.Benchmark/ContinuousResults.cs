namespace Florence2.Benchmark;

/// <summary>One traffic class within one run: its requests, errors, latency percentiles and the tokens it really decoded.</summary>
internal sealed record ClassStats(string Class, int Tokens, int Requests, int Errors, double P50Ms, double P99Ms,
    double MeanGeneratedTokens);

/// <summary>
/// One batching mode under the mixed traffic, in a closed loop (<see cref="OfferedRps"/> null) or an open loop, its slices
/// of every round together.
/// Throughput counts the successful requests (and their generated tokens) over the run's wall time; the batch sizes are
/// the mean of the responses' <c>timings.batch_size</c> (the requests decoding together when one entered) and of the
/// <c>florence2_batch_size</c> histogram (the requests a batch started with); <see cref="Joins"/> counts the requests
/// that joined a batch already decoding (<c>florence2_batch_joins_total</c>; none in cohort mode).
/// </summary>
internal sealed record MixedRun(string Mode, string Loop, int Clients, double? OfferedRps, double? SentRps, int Requests,
    int Errors, double WallSeconds, double ThroughputRps, double TokensPerSecond, double MeanBatchSize,
    double MetricsMeanBatchSize, double Joins, double ServiceCpuMsPerRequest, ClassStats Short, ClassStats Long)
{
    public const string Closed = "closed";
    public const string Open = "open";
}

/// <summary>A batching mode as asked of the service and as it reports it (null when it does not say: <c>batching.mode</c> of <c>GET /v1/model</c>).</summary>
internal sealed record BatchingModeReport(string Requested, string? Reported);

/// <summary>
/// Issue 14: cohort versus continuous batching under the same mixed traffic, in <see cref="Rounds"/> rounds of one slice
/// per mode and loop (<see cref="ClosedRequestsPerClient"/> and <see cref="OpenRequests"/> are per slice). Throughput gain = continuous / cohort
/// requests/s in the closed loop; short p50 gain = cohort / continuous short-request p50 in the open loop.
/// </summary>
internal sealed record ContinuousResult(int Clients, int Rounds, int ClosedRequestsPerClient, int OpenRequests, double OpenLoadFraction,
    double? OpenOfferedRps, int Seed, int BatchSize, int BatchDelayMs, List<BatchingModeReport> Modes, List<MixedRun> Runs)
{
    public const string Cohort = "cohort";
    public const string Continuous = "continuous";

    /// <summary>Continuous batching with <c>Florence2:Batching:FinishFirst=false</c> (<c>--compare-finish-first</c>).</summary>
    public const string FinishFirstOff = "continuous, finish-first off";

    public double? ThroughputGain => Run(Continuous, MixedRun.Closed)?.ThroughputRps / Run(Cohort, MixedRun.Closed)?.ThroughputRps;

    public double? ShortP50Gain => Run(Cohort, MixedRun.Open)?.Short.P50Ms / Run(Continuous, MixedRun.Open)?.Short.P50Ms;

    /// <summary>Short-request p50 in the open loop without the finish-first rule over with it; null unless compared.</summary>
    public double? FinishFirstShortP50Gain => Run(FinishFirstOff, MixedRun.Open)?.Short.P50Ms / Run(Continuous, MixedRun.Open)?.Short.P50Ms;

    /// <summary>Long-request p50 in the open loop without the finish-first rule over with it; null unless compared.</summary>
    public double? FinishFirstLongP50Gain => Run(FinishFirstOff, MixedRun.Open)?.Long.P50Ms / Run(Continuous, MixedRun.Open)?.Long.P50Ms;

    public MixedRun? Run(string mode, string loop) => Runs.FirstOrDefault(r => r.Mode == mode && r.Loop == loop);

    /// <summary>What the engine's own costs allow these gains to reach on this machine; null when not measured.</summary>
    public ContinuousCeiling? Ceiling { get; init; }
}
