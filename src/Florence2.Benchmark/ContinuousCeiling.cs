namespace Florence2.Benchmark;

/// <summary>One engine batch the ceiling is computed from: its rows, and the encoder and decoder time it took (the quietest repetition).</summary>
/// <param name="Name">What the batch stands for in the model.</param>
/// <param name="ShortRows">Rows decoding the short class's budget.</param>
/// <param name="LongRows">Rows decoding the long class's budget.</param>
/// <param name="EncoderMs">Prompt embedding + encoder of the whole batch.</param>
/// <param name="DecoderMs">Decoder steps until the batch's last row finished (rows leave as they finish).</param>
internal sealed record CeilingBatch(string Name, int ShortRows, int LongRows, double EncoderMs, double DecoderMs)
{
    public int Rows => ShortRows + LongRows;

    /// <summary>
    /// The batch's work without its vision pass: the services of the mixed phase answer the one repeated image from the
    /// vision-feature cache, so encoder and decoder are what every request pays.
    /// </summary>
    public double ComputeMs => EncoderMs + DecoderMs;
}

/// <summary>
/// What continuous batching could gain at best on this machine, from the engine's own cost of the mixed traffic
/// (<see cref="ContinuousCeilingBench"/>): cohort batching as the closed loop formed it against a scheduler that runs
/// every decoder step with the batch full, no joins, no padding and no waiting; and the short class's latency alone.
/// </summary>
/// <param name="CohortRows">Rows of a cohort, from the cohort service's closed-loop <c>florence2_batch_size</c> mean.</param>
/// <param name="FullRows">Rows of a full batch: the closed loop's clients, at most MaxBatchSize.</param>
/// <param name="CohortMsPerRequest">The cohort batch's compute over its rows.</param>
/// <param name="IdealMsPerRequest">Mean compute per request of the two full batches (half the traffic of each class).</param>
/// <param name="ThroughputCeiling">Cohort over ideal: the closed-loop throughput gain no scheduler can pass when the
/// service's time is its engine's compute.</param>
/// <param name="ShortAloneMs">One short request alone: the lowest latency a short request can have.</param>
/// <param name="ShortP50Ceiling">The cohort service's open-loop short p50 over <paramref name="ShortAloneMs"/> (an upper bound, not a tight one).</param>
internal sealed record ContinuousCeiling(int Repeats, int CohortRows, int FullRows, int ShortTokens, int LongTokens,
    List<CeilingBatch> Batches, double CohortMsPerRequest, double IdealMsPerRequest, double ThroughputCeiling,
    double ShortAloneMs, double? ShortP50Ceiling);
