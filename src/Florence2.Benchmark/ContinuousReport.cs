namespace Florence2.Benchmark;

/// <summary>The report's section for issue 14: cohort versus continuous batching under mixed traffic.</summary>
internal static class ContinuousReport
{
    public static void Section(BenchResults r, Action<string> L, Func<double, string, string> N)
    {
        if (r.Continuous is not { } c) return;
        var first = c.Runs.FirstOrDefault();
        string shortClass = first is null ? "short" : $"`<OD>` on /v1/detect, {first.Short.Tokens} new tokens";
        string longClass = first is null ? "long" : $"`<CAPTION>` on /v1/caption, {first.Long.Tokens} new tokens";
        L("## Issue 14: continuous batching");
        L("");
        L($"Two services on the base fixture, batching on (MaxBatchSize {c.BatchSize}, MaxQueueDelayMs {c.BatchDelayMs}), one with " +
          "`Florence2:Batching:Mode=cohort` and one with `continuous`, both up for the whole phase, under the same mixed " +
          $"traffic: half short requests ({shortClass}), half long ({longClass}), greedy, every request decoding exactly its " +
          $"budget (EOS ignored). {c.Rounds} round(s); in each, the two modes run a slice of the loop in turn, so other load " +
          "on this shared machine falls on both; a row sums a mode's slices. Closed loop, per slice: " +
          $"{c.Clients} clients × {c.ClosedRequestsPerClient} requests, every client alternating short and long " +
          "(even-numbered clients start short); throughput counts the successful requests and their generated tokens over " +
          $"the slices' wall time. Open loop, per slice: {c.OpenRequests} Poisson arrivals (exponential gaps, seed {c.Seed} + " +
          "round, classes in a seeded shuffled order; identical for both modes) offered at " +
          $"{N(c.OpenLoadFraction * 100, "0")} % of cohort's closed-loop requests/s ({N(c.OpenOfferedRps ?? double.NaN, "0.00")} " +
          "requests/s); \"sent\" is the arrival rate really sent (the seeded sample's own rate), req/s the completions over the slices. Latency is measured " +
          "by the client from send to answer. Batch size (resp) is the mean `timings.batch_size` of the answers (the requests " +
          "decoding together when one entered), (/metrics) the mean of the `florence2_batch_size` histogram over the slices " +
          "(the requests a batch started with); joins counts the requests that joined a batch already decoding " +
          "(`florence2_batch_joins_total`, none in cohort mode); CPU ms/request is the service's user + system time per request. With few requests per class, p99 is close to the slowest request.");
        L("");
        L("| mode | loop | offered req/s | sent req/s | requests | errors | req/s | tokens/s | short p50 ms | short p99 ms | long p50 ms | long p99 ms | batch size (resp) | batch size (/metrics) | joins | CPU ms/request |");
        L("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in c.Runs)
        {
            string loop = run.Loop == MixedRun.Closed ? $"closed, {run.Clients} clients" : "open (Poisson)";
            L($"| {run.Mode} | {loop} | {N(run.OfferedRps ?? double.NaN, "0.00")} | {N(run.SentRps ?? double.NaN, "0.00")} | " +
              $"{run.Requests} | {run.Errors} | {N(run.ThroughputRps, "0.00")} | {N(run.TokensPerSecond, "0.0")} | " +
              $"{N(run.Short.P50Ms, "0")} | {N(run.Short.P99Ms, "0")} | {N(run.Long.P50Ms, "0")} | {N(run.Long.P99Ms, "0")} | " +
              $"{N(run.MeanBatchSize, "0.00")} | {N(run.MetricsMeanBatchSize, "0.00")} | {N(run.Joins, "0")} | {N(run.ServiceCpuMsPerRequest, "0")} |");
        }
        L("");
        L("Batching mode the service reports (`batching.mode` of `GET /v1/model`): " +
          string.Join("; ", c.Modes.Select(m => $"asked {m.Requested}, reported {m.Reported ?? "nothing (not exposed)"}")) + ".");
        L("");
        if (c.FinishFirstShortP50Gain is { } shortGain)
        {
            L($"The finish-first rule (`Florence2:Batching:FinishFirst`): in the open loop, p50 without it over p50 with it is " +
              $"{N(shortGain, "0.00")} for short requests and {N(c.FinishFirstLongP50Gain ?? double.NaN, "0.00")} for long ones " +
              "(above 1: faster with it); the row \"continuous, finish-first off\" ran in the same turns.");
            L("");
        }
        L("continuous_gain_mixed_c16 = continuous / cohort requests/s in the closed loop; short_p50_gain = cohort / continuous " +
          "short-request p50 in the open loop:");
        L("");
        L(r.ContinuousLine);
        L("");
        if (c.Ceiling is { } ceiling) Ceiling(r, ceiling, L, N);
    }

    private static void Ceiling(BenchResults r, ContinuousCeiling k, Action<string> L, Func<double, string, string> N)
    {
        L("### Ceiling on this machine");
        L("");
        L("The same traffic's cost in the engine alone (this process, the services stopped), from which the gains' upper " +
          $"bounds follow. Each batch ran {k.Repeats} time(s) in turn with the others; the quickest is kept. Compute = " +
          "encoder + decoder of the batch (the vision pass is left out: the services answer the phase's one image from the " +
          $"vision-feature cache). The cohort has the {k.CohortRows} rows the cohort service's closed loop started its " +
          "batches with, half of each class, rows leaving as they finish. A full batch has " +
          $"{k.FullRows} rows (the closed loop's clients, at most MaxBatchSize), so every decoder step runs with as many rows as " +
          "the closed loop can ever have, and every prefill is shared by a full group: no continuous scheduler does better, " +
          "because a decoder step's cost per row only falls as rows are added.");
        L("");
        L("| batch | short rows | long rows | encoder ms | decoder ms | compute ms | compute ms / row |");
        L("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var b in k.Batches)
            L($"| {b.Name} | {b.ShortRows} | {b.LongRows} | {N(b.EncoderMs, "0")} | {N(b.DecoderMs, "0")} | {N(b.ComputeMs, "0")} | {N(b.ComputeMs / b.Rows, "0")} |");
        L("");
        L($"- Cohort batching costs {N(k.CohortMsPerRequest, "0")} ms per request (the cohort's compute over its rows); " +
          $"running every step full would cost {N(k.IdealMsPerRequest, "0")} ms per request (the two full batches' compute " +
          "over their rows: half the traffic is of each class). When the service's time is its engine's compute — the closed " +
          $"loop keeps both cores busy — the throughput gain of any scheduler is at most their ratio, {N(k.ThroughputCeiling, "0.00")}.");
        L($"- A short request alone takes {N(k.ShortAloneMs, "0")} ms; no short request is answered faster, so the short " +
          $"p50 gain is at most the cohort service's open-loop short p50 over it, {N(k.ShortP50Ceiling ?? double.NaN, "0.00")} " +
          "(a loose bound: it ignores queueing and the rows a short request shares its steps with).");
        L("");
        L(r.ContinuousCeilingLine);
        L("");
    }
}
