using System.Globalization;
using System.Text;
using ScottPlot;

namespace Florence2.Benchmark;

/// <summary>Writes the Markdown report and its PNG charts (ScottPlot) from a run's results.</summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes DIR/*.png and DIR.md (the report next to its chart folder); returns the report's path.</summary>
    public static string Write(BenchResults r, BenchOptions options)
    {
        string dir = options.OutDirectory;
        string folderName = Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar));
        var charts = new List<(string Title, string File)>();
        if (r.Service.Count > 0)
        {
            LatencyChart(r, Path.Combine(dir, "latency-vs-concurrency.png"));
            charts.Add(("Latency vs concurrency (service over HTTP)", "latency-vs-concurrency.png"));
            ServiceThroughputChart(r, Path.Combine(dir, "service-throughput.png"));
            charts.Add(("Throughput vs concurrency (service over HTTP)", "service-throughput.png"));
        }
        if (r.Engine.Count > 0)
        {
            EngineChart(r, Path.Combine(dir, "throughput-vs-batch.png"), decodeTokens: false);
            charts.Add(("Engine throughput vs batch size (images/s)", "throughput-vs-batch.png"));
            EngineChart(r, Path.Combine(dir, "decode-tokens-vs-batch.png"), decodeTokens: true);
            charts.Add(("Engine decode throughput vs batch size (tokens/s)", "decode-tokens-vs-batch.png"));
        }
        string path = dir.TrimEnd(Path.DirectorySeparatorChar) + ".md";
        File.WriteAllText(path, Markdown(r, options, folderName, charts));
        return path;
    }

    public static string SummaryTable(BenchResults r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("target                                   | measured | target  | met");
        foreach (var t in Targets(r)) sb.AppendLine($"{t.Name,-40} | {t.Value,8} | {t.Goal,-7} | {t.Met}");
        return sb.ToString();
    }

    private sealed record Target(string Name, string Value, string Goal, string Met);

    private static IEnumerable<Target> Targets(BenchResults r)
    {
        static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("0.00", Inv) : "n/a";
        static string Met(double? v, Func<double, bool> ok) => v is { } x && double.IsFinite(x) ? ok(x) ? "yes" : "NO" : "n/a";
        yield return new("batching gain at concurrency 16", F(r.BatchingGainC16), "≥ 2.0", Met(r.BatchingGainC16, x => x >= 2.0));
        yield return new("service overhead at concurrency 1 (%)", F(r.Overhead?.OverheadPct), "≤ 3 %", Met(r.Overhead?.OverheadPct, x => x <= 3));
        yield return new("RSS growth over the memory run (%)", F(r.Memory?.GrowthPct), "≤ 5 %", Met(r.Memory?.GrowthPct, x => x <= 5));
        yield return new("transformers.js latency / ours", F(r.VsTransformersJs), "≥ 1.5", Met(r.VsTransformersJs, x => x >= 1.5));
        double? scoreShare = r.ScoreCost is { } sc ? Math.Max(sc.GreedyPct ?? double.NaN, sc.BeamPct ?? double.NaN) : null;
        yield return new("confidence scores, share of a step (%)", F(scoreShare), "≤ 1 %", Met(scoreShare, x => x <= 1));
        yield return new("multitask gain (3 calls / 1 analyze)", F(r.Multitask?.Gain), "≥ 1.3", Met(r.Multitask?.Gain, x => x >= 1.3));
        yield return new("vision cache gain (off / on)", F(r.VisionCache?.Gain), "≥ 1.3", Met(r.VisionCache?.Gain, x => x >= 1.3));
        yield return new("q4 speedup at 1 client (our fp32 / q4)", F(r.Q4SpeedupC1), "—", r.Q4SpeedupC1 is null ? "n/a" : "—");
        yield return new("q4 vs transformers.js q4 at 1 client", F(r.Q4VsTransformersJsC1), "≥ 1.3", Met(r.Q4VsTransformersJsC1, x => x >= 1.3));
        double? continuousGain = r.Continuous?.ThroughputGain, shortGain = r.Continuous?.ShortP50Gain;
        yield return new("continuous / cohort req/s, mixed, c16", F(continuousGain), "≥ 1.3", Met(continuousGain, x => x >= 1.3));
        string load = r.Continuous is { } c ? $"{c.OpenLoadFraction * 100:0} % load" : "open loop";
        yield return new($"short p50 cohort / continuous, {load}", F(shortGain), "≥ 2.0", Met(shortGain, x => x >= 2.0));
        var ceiling = r.Continuous?.Ceiling;
        yield return new("ceiling of continuous / cohort req/s", F(ceiling?.ThroughputCeiling), "—", ceiling is null ? "n/a" : "—");
        yield return new("ceiling of short p50 gain", F(ceiling?.ShortP50Ceiling), "—", ceiling?.ShortP50Ceiling is null ? "n/a" : "—");
    }

    private static string Markdown(BenchResults r, BenchOptions options, string folder, List<(string Title, string File)> charts)
    {
        var m = r.Machine;
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');
        string N(double v, string format = "0.0") => double.IsFinite(v) ? v.ToString(format, Inv) : "n/a";

        L("# Florence2Service benchmarks");
        L();
        L($"Run on **{r.Started:yyyy-MM-dd HH:mm zzz}**{(r.Quick ? " — QUICK smoke run, numbers not meaningful" : "")}, " +
          $"{N(r.DurationSeconds / 60, "0.0")} min, by");
        L();
        L("```");
        L(r.Command.TrimEnd());
        L("```");
        L();
        L("Reproduce with `dotnet run -c Release --project src/Florence2.Benchmark -- --out docs/benchmarks` (≈ 10 min on an idle 2-core machine, 15–30 min when busy; " +
          "`--quick` for a 2–3 min smoke run, `--help` for the options). The peer needs Node ≥ 20 (its npm packages are " +
          "installed on first use from `src/Florence2.Benchmark/peer/package-lock.json`). Models are the seeded random " +
          "fixtures of `Florence2.Fixtures` (FixtureModelSpec.Base = Florence-2-base dimensions, and Tiny), written once " +
          "to `~/.cache/florence2/bench`; with random weights only the cost is real, not the text.");
        L();
        L("## Machine");
        L();
        L($"- CPU: {m.CpuModel}, {m.LogicalCores} logical cores; memory {N(m.MemoryGiB)} GiB; {m.Os}; {m.Runtime}; ONNX Runtime 1.31 CPU EP (default threads).");
        L($"- Load average (1/5/15 min) at start {string.Join(" / ", r.LoadAtStart.Select(x => N(x, "0.00")))}, at end " +
          $"{string.Join(" / ", r.LoadAtEnd.Select(x => N(x, "0.00")))}. The machine is shared with other builds; 1-min load per phase:");
        L();
        L("| phase | seconds | load min | mean | max |");
        L("|---|---:|---:|---:|---:|");
        foreach (var ph in r.Load) L($"| {ph.Phase} | {N(ph.Seconds, "0")} | {N(ph.Min, "0.00")} | {N(ph.Mean, "0.00")} | {N(ph.Max, "0.00")} |");
        L();
        L("## Targets");
        L();
        L("Decode-heavy setting: " + $"{r.MainTokens} new tokens, greedy, EOS ignored.");
        L();
        L("| target | measured | goal | met |");
        L("|---|---:|---|---|");
        foreach (var t in Targets(r)) L($"| {t.Name} | {t.Value} | {t.Goal} | {t.Met} |");
        L();
        if (r.BatchingCpuGainC16 is { } cpuGain)
            L($"Batching gain at concurrency 16 in service CPU time per request (less sensitive to the machine's other load): {N(cpuGain, "0.00")}.");
        L();
        L("Last lines of the run (issue 6, then issue 16, then issue 14):");
        L();
        L("```");
        L(r.FinalLine);
        L("```");
        L();
        L(r.WorkOnceLine);
        L();
        L(r.ContinuousLine);
        L();
        L(r.ContinuousCeilingLine);
        L();
        L("## Settings");
        L();
        foreach (var (k, v) in r.Settings) L($"- {k}: {v}");
        L();

        if (r.Engine.Count > 0)
        {
            L("## (a) Engine alone");
            L();
            L("`Florence2Engine.RunBatch` in-process, the same prepared 640×480 image in every row, `<CAPTION>` prompt, the " +
              "model's generation defaults (no_repeat_ngram_size 3) with `IgnoreEos`. Wall time is the median over the " +
              "repetitions; vision and encoder run once per batch; decoder ms/step = decoder time / steps (step 0 included). " +
              "tokens/s counts decoded tokens per request (not per beam).");
            L();
            L("| batch | tokens | beams | reps | wall ms | vision ms | encoder ms | decoder ms/step | images/s | tokens/s |");
            L("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var e in r.Engine)
                L($"| {e.Batch} | {e.Tokens} | {e.Beams} | {e.Repeats} | {N(e.WallMs, "0")} | {N(e.VisionMs, "0")} | {N(e.EncoderMs, "0")} | {N(e.DecoderMsPerStep, "0.00")} | {N(e.ImagesPerSecond, "0.00")} | {N(e.DecodeTokensPerSecond, "0.0")} |");
            L();
        }
        if (r.Service.Count > 0)
        {
            L("## (b) Service over HTTP");
            L();
            L("Florence2.Service as a child process on 127.0.0.1, closed loop: each of *concurrency* clients sends its next " +
              "request when the last is answered. Batch size (resp) is the mean of the responses' `timings.batch_size` " +
              "(request-weighted); batch size (/metrics) is the mean of the `florence2_batch_size` histogram over the level " +
              "(batch-weighted). tokens = mean `timings.generated_tokens`. CPU ms/request is the service process's user + system " +
              "time over the level divided by its requests (from /proc/PID/stat): it shows efficiency even when other load " +
              "on the machine stretches wall times.");
            L();
            L("| batching | concurrency | requests | errors | req/s | p50 ms | p90 ms | p99 ms | batch size (resp) | batch size (/metrics) | tokens | CPU ms/request |");
            L("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in r.Service)
                L($"| {s.Mode} | {s.Concurrency} | {s.Requests} | {s.Errors} | {N(s.ThroughputRps, "0.00")} | {N(s.P50Ms, "0")} | {N(s.P90Ms, "0")} | {N(s.P99Ms, "0")} | {N(s.MeanBatchSize, "0.00")} | {N(s.MetricsMeanBatchSize, "0.00")} | {N(s.MeanGeneratedTokens, "0.0")} | {N(s.ServiceCpuMsPerRequest, "0")} |");
            L();
        }
        if (r.Overhead is { } o)
        {
            L("## (c) Service overhead");
            L();
            L($"{o.Pairs} alternating pairs at concurrency 1 (batching off), {o.Tokens} tokens, greedy: the engine doing the " +
              "service's work in this process (JPEG decode + resize, then a batch of one) and one HTTP request to the service.");
            L();
            L("| engine median ms | of which decode+resize | service median ms | overhead ms | overhead % | engine CPU ms | service CPU ms |");
            L("|---:|---:|---:|---:|---:|---:|---:|");
            L($"| {N(o.EngineMedianMs, "0")} | {N(o.EnginePrepareMedianMs, "0.0")} | {N(o.ServiceMedianMs, "0")} | {N(o.OverheadMs, "0.0")} | {N(o.OverheadPct, "0.00")} | {N(o.EngineCpuMedianMs, "0")} | {N(o.ServiceCpuMedianMs, "0")} |");
            L();
            L($"Per pair (ms): engine {string.Join(", ", o.EngineMs.Select(x => N(x, "0")))}; service {string.Join(", ", o.ServiceMs.Select(x => N(x, "0")))}.");
            L();
        }
        if (r.ScoreCost is { } sc)
        {
            L("## Confidence scores: cost");
            L();
            L($"Per decoder step: greedy computes the chosen token's log-probability over the {sc.Vocabulary}-token row; beam search " +
              "(3 beams) reorders the log-probabilities with the ids (timed together, an upper bound). Once per request: every token's " +
              $"text and the scoring parse of an OD-shaped output of {sc.Tokens} tokens, spread over its steps. Decoder ms/step from (a), batch 1.");
            L();
            L("| search | µs/step | per request µs | decoder ms/step | share of a step |");
            L("|---|---:|---:|---:|---:|");
            L($"| greedy | {N(sc.GreedyUsPerStep, "0.0")} | {N(sc.PerRequestUs, "0")} | {N(sc.DecoderMsPerStepGreedy ?? double.NaN, "0.00")} | {N(sc.GreedyPct ?? double.NaN, "0.000")} % |");
            L($"| beam 3 | {N(sc.BeamUsPerStep, "0.00")} | {N(sc.PerRequestUs, "0")} | {N(sc.DecoderMsPerStepBeam ?? double.NaN, "0.00")} | {N(sc.BeamPct ?? double.NaN, "0.000")} % |");
            L();
        }
        if (r.Memory is { } mem || r.ServiceMemory.Count > 0)
        {
            L("## (d) Memory");
            L();
            L("Resident set size of the service process from `/proc/PID/status` (VmRSS; peak = VmHWM). The managed heap is " +
              "not reported: the service's `/metrics` exposes only the Florence2 meter, not the runtime's GC metrics.");
            L();
            if (r.Memory is { } mm)
            {
                L($"Growth run: **{mm.Model}** model (the base model serves about one request per second on this machine, so " +
                  $"{mm.Requests} requests would take over half an hour), batching on (max {mm.BatchSize}), concurrency {mm.Concurrency}, " +
                  $"{mm.Tokens} tokens per request (mean generated {N(mm.MeanGeneratedTokens)}), {mm.Errors} errors.");
                L();
                L("| after warm-up | after | growth | peak |");
                L("|---:|---:|---:|---:|");
                L($"| {N(mm.RssAfterWarmUpMiB)} MiB ({mm.WarmUpRequests} requests) | {N(mm.RssAfterMiB)} MiB (+{mm.Requests} requests) | {N(mm.GrowthPct, "0.00")} % | {N(mm.PeakMiB)} MiB |");
                L();
                L($"RSS after warm-up and after each tenth of the run (MiB): {string.Join(" → ", mm.RssTrajectoryMiB.Select(x => N(x, "0")))}.");
                L();
            }
            if (r.ServiceMemory.Count > 0)
            {
                L("Base model service during the HTTP phase:");
                L();
                L("| when | RSS MiB | peak MiB |");
                L("|---|---:|---:|");
                foreach (var s in r.ServiceMemory) L($"| {s.Label} | {N(s.RssMiB, "0")} | {N(s.PeakMiB, "0")} |");
                L();
            }
        }
        L("## (e) Peer: transformers.js");
        L();
        if (r.Peer is { } p)
        {
            L($"{p.Library} {p.Version} on onnxruntime-node (CPU, fp32, its default threads), loaded offline from the same " +
              $"model folder, `<CAPTION>`, greedy, `max_new_tokens` = `min_new_tokens` = {r.MainTokens} (mean generated " +
              $"{N(p.MeanGeneratedTokens)}), batch 1; each request includes reading the JPEG and the processor, like ours. " +
              $"Model load {N(p.LoadMs / 1000, "0.0")} s.");
            L();
            L("| | median ms/request | requests/s |");
            L("|---|---:|---:|");
            L($"| transformers.js | {N(p.MedianMs, "0")} | {N(p.ThroughputRps, "0.00")} |");
            if (r.OurSingleRequestMs is { } ours) L($"| Florence2Service over HTTP (c=1, p50) | {N(ours, "0")} | {N(1000 / ours, "0.00")} |");
            if (r.OurEngineSingleRequestMs is { } eng) L($"| Florence2 engine alone (median) | {N(eng, "0")} | {N(1000 / eng, "0.00")} |");
            L();
            L($"vs_transformersjs = their median / our service p50 = **{N(r.VsTransformersJs ?? double.NaN, "0.00")}**.");
        }
        else
        {
            L($"Not measured: {r.PeerError ?? "skipped"}.");
        }
        L();
        WorkOnceSections(r, L, N);
        ContinuousReport.Section(r, L, N);
        if (charts.Count > 0)
        {
            L("## Charts");
            L();
            foreach (var (title, file) in charts)
            {
                L($"![{title}]({folder}/{file})");
                L();
            }
        }
        L("## Analysis");
        L();
        string notes = Path.Combine(options.OutDirectory, "notes.md");
        L(File.Exists(notes)
            ? File.ReadAllText(notes).TrimEnd()
            : $"(Hand-written analysis goes in `{folder}/notes.md`; redraw with `--report-only {folder}/results.json`.)");
        return sb.ToString();
    }

    /// <summary>Issue 16: the dtype sweep, the multitask and the vision-cache comparisons.</summary>
    private static void WorkOnceSections(BenchResults r, Action<string> L, Func<double, string, string> N)
    {
        if (r.DtypeSweep.Count > 0)
        {
            L("## (f) Dtypes: ours and transformers.js'");
            L("");
            L($"The base fixture written with each weight variant (`{r.SweepModel}`), `<CAPTION>`, greedy, EOS ignored. Ours: the " +
              "service over HTTP with `Florence2:Model:Dtype` set, batching on, closed-loop clients, p50. transformers.js 4.3.1: " +
              "`from_pretrained(…, { dtype })` on the same folder, N `generate()` loops at once in one Node process, median. " +
              "With random weights only the cost is real.");
            L("");
            L("| dtype | side | clients | requests | errors | p50 ms | req/s | tokens |");
            L("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var d in r.DtypeSweep)
                L(d.Error is { } error
                    ? $"| {d.Dtype} | {d.Side} | | | | failed: {error.Replace('|', '/')} | | |"
                    : $"| {d.Dtype} | {d.Side} | {d.Clients} | {d.Requests} | {d.Errors} | {N(d.P50Ms, "0")} | {N(d.ThroughputRps, "0.00")} | {N(d.MeanGeneratedTokens, "0.0")} |");
            L("");
        }
        foreach (var (title, p) in new[] { ("(g) Several tasks in one call", r.Multitask), ("(h) Vision-feature cache", r.VisionCache) })
        {
            if (p is null) continue;
            L($"## {title}");
            L("");
            L($"{p.Pairs} alternating pairs after one warm-up each, sequential requests, {p.Tokens} new tokens per task, greedy, EOS ignored; gain = median {p.Baseline} / median {p.Feature}.");
            L("");
            L($"| {p.Baseline} median ms | {p.Feature} median ms | gain |");
            L("|---:|---:|---:|");
            L($"| {N(p.BaselineMedianMs, "0")} | {N(p.FeatureMedianMs, "0")} | {N(p.Gain, "0.00")} |");
            L("");
            L($"Per pair (ms): {p.Baseline} {string.Join(", ", p.BaselineMs.Select(x => N(x, "0")))}; {p.Feature} {string.Join(", ", p.FeatureMs.Select(x => N(x, "0")))}.");
            L("");
        }
    }

    private static void LatencyChart(BenchResults r, string path)
    {
        var plot = new Plot();
        foreach (string mode in new[] { "off", "on" })
        {
            var rows = r.Service.Where(s => s.Mode == mode).OrderBy(s => s.Concurrency).ToArray();
            if (rows.Length == 0) continue;
            double[] xs = rows.Select(s => Math.Log2(s.Concurrency)).ToArray();
            var p50 = plot.Add.Scatter(xs, rows.Select(s => s.P50Ms / 1000).ToArray());
            p50.LegendText = $"p50, batching {mode}";
            p50.LineWidth = 2;
            p50.MarkerSize = 8;
            var p99 = plot.Add.Scatter(xs, rows.Select(s => s.P99Ms / 1000).ToArray());
            p99.LegendText = $"p99, batching {mode}";
            p99.LinePattern = LinePattern.Dashed;
            p99.MarkerSize = 6;
            p99.Color = p50.Color;
        }
        ConcurrencyTicks(plot, r);
        plot.Title("Latency vs concurrency");
        plot.YLabel("latency (s)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 540);
    }

    private static void ServiceThroughputChart(BenchResults r, string path)
    {
        var plot = new Plot();
        foreach (string mode in new[] { "off", "on" })
        {
            var rows = r.Service.Where(s => s.Mode == mode).OrderBy(s => s.Concurrency).ToArray();
            if (rows.Length == 0) continue;
            var line = plot.Add.Scatter(rows.Select(s => Math.Log2(s.Concurrency)).ToArray(), rows.Select(s => s.ThroughputRps).ToArray());
            line.LegendText = $"batching {mode}";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }
        ConcurrencyTicks(plot, r);
        plot.Title("Service throughput vs concurrency");
        plot.YLabel("requests/s");
        plot.Axes.SetLimitsY(0, r.Service.Max(s => s.ThroughputRps) * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 540);
    }

    private static void ConcurrencyTicks(Plot plot, BenchResults r)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int c in r.Service.Select(s => s.Concurrency).Distinct().Order()) ticks.AddMajor(Math.Log2(c), c.ToString(Inv));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.XLabel("concurrent clients (log scale)");
    }

    private static void EngineChart(BenchResults r, string path, bool decodeTokens)
    {
        var plot = new Plot();
        foreach (var group in r.Engine.GroupBy(e => (e.Tokens, e.Beams)))
        {
            var rows = group.OrderBy(e => e.Batch).ToArray();
            var line = plot.Add.Scatter(rows.Select(e => Math.Log2(e.Batch)).ToArray(),
                rows.Select(e => decodeTokens ? e.DecodeTokensPerSecond : e.ImagesPerSecond).ToArray());
            line.LegendText = $"{group.Key.Tokens} tokens, {(group.Key.Beams == 1 ? "greedy" : $"{group.Key.Beams} beams")}";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (int b in r.Engine.Select(e => e.Batch).Distinct().Order()) ticks.AddMajor(Math.Log2(b), b.ToString(Inv));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.XLabel("batch size (log scale)");
        plot.YLabel(decodeTokens ? "decoded tokens/s" : "images/s");
        plot.Title(decodeTokens ? "Engine decode throughput vs batch size" : "Engine throughput vs batch size");
        plot.Axes.SetLimitsY(0, r.Engine.Max(e => decodeTokens ? e.DecodeTokensPerSecond : e.ImagesPerSecond) * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 540);
    }
}
