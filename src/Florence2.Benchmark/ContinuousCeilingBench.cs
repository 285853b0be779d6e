using Florence2.Tasks;

namespace Florence2.Benchmark;

/// <summary>
/// Measures issue 14's ceiling in this process, on the engine the services run: four batches of the mixed traffic's
/// prompts and budgets, in turn, <c>repeats</c> times (the quickest of each is kept, the one least disturbed by the
/// machine's other load).
/// <list type="bullet">
/// <item>the cohort: as many rows as the cohort service's closed loop started its batches with, half short and half long
/// (its clients alternate the classes), rows leaving as they finish — what cohort batching does;</item>
/// <item>a full batch of short rows and a full batch of long rows: every decoder step at the largest batch the closed
/// loop can form, each row's prefill shared by a full group — what no continuous scheduler can beat, since a step's cost
/// per row only falls as rows are added;</item>
/// <item>one short request alone.</item>
/// </list>
/// The vision pass is left out of every figure: the services answer the phase's one image from the vision-feature cache.
/// The engine here loads the plain merged decoder; the rewritten one the continuous service runs only adds its mask.
/// </summary>
internal static class ContinuousCeilingBench
{
    public static ContinuousCeiling Measure(EngineBench engine, TrafficClass shortClass, TrafficClass longClass,
        ContinuousResult mixed, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        string shortPrompt = Prompt(shortClass), longPrompt = Prompt(longClass);
        int fullRows = Math.Min(mixed.Clients, mixed.BatchSize);
        double cohortMean = mixed.Run(ContinuousResult.Cohort, MixedRun.Closed)?.MetricsMeanBatchSize ?? double.NaN;
        int cohortRows = double.IsFinite(cohortMean) ? Math.Clamp((int)Math.Round(cohortMean), 2, fullRows) : fullRows;

        var shapes = new (string Name, int Short, int Long)[]
        {
            ("cohort", cohortRows / 2, cohortRows - cohortRows / 2),
            ("full batch, short", fullRows, 0),
            ("full batch, long", 0, fullRows),
            ("short alone", 1, 0),
        };
        engine.MeasureRows([(shortPrompt, 4), (longPrompt, 4)]); // warm-up: arenas and kernels for both prompts
        var best = new CeilingBatch?[shapes.Length];
        for (int r = 0; r < repeats; r++)
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                var (name, shorts, longs) = shapes[i];
                var rows = Enumerable.Repeat((shortPrompt, shortClass.Tokens), shorts)
                    .Concat(Enumerable.Repeat((longPrompt, longClass.Tokens), longs)).ToArray();
                var m = engine.MeasureRows(rows);
                var batch = new CeilingBatch(name, shorts, longs, m.Slowest.EncoderMs, m.Slowest.DecoderMs);
                Console.WriteLine($"  ceiling {r + 1}/{repeats}: {name,-18} {shorts,2} short + {longs,2} long rows: " +
                    $"encoder {batch.EncoderMs,7:F0} ms, decoder {batch.DecoderMs,7:F0} ms");
                if (best[i] is not { } kept || batch.ComputeMs < kept.ComputeMs) best[i] = batch;
            }
        }

        var ceiling = new ContinuousCeiling(repeats, cohortRows, fullRows, shortClass.Tokens, longClass.Tokens,
            [.. best.Select(b => b!)], mixed.Run(ContinuousResult.Cohort, MixedRun.Open)?.Short.P50Ms);
        Console.WriteLine($"  ceiling: cohort {ceiling.CohortMsPerRequest:F0} ms/request, every step full {ceiling.IdealMsPerRequest:F0} ms/request " +
            $"→ throughput gain ≤ {ceiling.ThroughputCeiling:F2}; short alone {ceiling.ShortAloneMs:F0} ms → short p50 gain ≤ {ceiling.ShortP50Ceiling:F2}");
        return ceiling;
    }

    private static string Prompt(TrafficClass trafficClass) =>
        TaskCatalog.TryFind(trafficClass.Task, out var task)
            ? PromptBuilder.Build(task)
            : throw new InvalidOperationException($"no task {trafficClass.Task}");
}
