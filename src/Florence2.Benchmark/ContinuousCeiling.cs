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
/// <param name="Batches">The cohort, the full short batch, the full long batch and the short request alone, in that order.</param>
/// <param name="CohortShortP50Ms">The cohort service's open-loop short-request p50; null when the open loop did not run.</param>
internal sealed record ContinuousCeiling(int Repeats, int CohortRows, int FullRows, int ShortTokens, int LongTokens,
    List<CeilingBatch> Batches, double? CohortShortP50Ms)
{
    /// <summary>The cohort batch's compute over its rows.</summary>
    public double CohortMsPerRequest => Batches[0].ComputeMs / Batches[0].Rows;

    /// <summary>The two full batches' compute over their rows (half the traffic is of each class).</summary>
    public double IdealMsPerRequest => (Batches[1].ComputeMs + Batches[2].ComputeMs) / (Batches[1].Rows + Batches[2].Rows);

    /// <summary>Cohort over ideal: the closed-loop throughput gain no scheduler can pass when the service's time is its engine's compute.</summary>
    public double ThroughputCeiling => CohortMsPerRequest / IdealMsPerRequest;

    /// <summary>One short request alone: the lowest latency a short request can have.</summary>
    public double ShortAloneMs => Batches[3].ComputeMs;

    /// <summary>The cohort service's open-loop short p50 over <see cref="ShortAloneMs"/> (an upper bound, not a tight one).</summary>
    public double? ShortP50Ceiling => CohortShortP50Ms / ShortAloneMs;
}
