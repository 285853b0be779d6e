namespace Florence2.Benchmark;

internal sealed record OverheadResult(int Pairs, int Tokens, int Beams, double EngineMedianMs, double EnginePrepareMedianMs,
    double ServiceMedianMs, double OverheadMs, double OverheadPct, double[] EngineMs, double[] ServiceMs,
    double EngineCpuMedianMs, double ServiceCpuMedianMs);

internal sealed record MemoryResult(string Model, int WarmUpRequests, int Requests, int Concurrency, int Tokens, int BatchSize,
    double RssAfterWarmUpMiB, double RssAfterMiB, double PeakMiB, double GrowthPct, int Errors, double MeanGeneratedTokens,
    double[] RssTrajectoryMiB);

internal sealed record ServiceMemorySample(string Label, double RssMiB, double PeakMiB);

/// <summary>One dtype at one client count, for us (service over HTTP, batching on) or for transformers.js.</summary>
internal sealed record DtypeRow(string Dtype, string Side, int Clients, int Requests, int Errors, double P50Ms,
    double ThroughputRps, double MeanGeneratedTokens, string? Error = null)
{
    public const string Ours = "Florence2Service";
    public const string Peer = "transformers.js";
}

/// <summary>
/// The same work done two ways, alternating, sequential requests: the baseline (three calls; the cache off) and the
/// feature (one analyze call; the cache on). Gain = baseline median / feature median.
/// </summary>
internal sealed record PairedResult(string Baseline, string Feature, int Pairs, int Tokens, double BaselineMedianMs,
    double FeatureMedianMs, double Gain, double[] BaselineMs, double[] FeatureMs);

internal sealed record PhaseLoad(string Phase, double Min, double Mean, double Max, double Seconds);

/// <summary>Everything one run measured (serialised to results.json; the report is drawn from it).</summary>
internal sealed class BenchResults
{
    public DateTimeOffset Started { get; set; }
    public double DurationSeconds { get; set; }
    public string Command { get; set; } = "";
    public bool Quick { get; set; }
    /// <summary>The decode-heavy token count the targets are stated for.</summary>
    public int MainTokens { get; set; }
    public required MachineInfo Machine { get; init; }
    public double[] LoadAtStart { get; set; } = [];
    public double[] LoadAtEnd { get; set; } = [];
    public List<PhaseLoad> Load { get; set; } = [];
    public string BaseModel { get; set; } = "";
    public string TinyModel { get; set; } = "";
    public Dictionary<string, string> Settings { get; set; } = [];
    public List<EngineRow> Engine { get; set; } = [];
    public List<LevelResult> Service { get; set; } = [];
    public List<ServiceMemorySample> ServiceMemory { get; set; } = [];
    public OverheadResult? Overhead { get; set; }
    public MemoryResult? Memory { get; set; }
    public PeerResult? Peer { get; set; }
    public ScoreCostResult? ScoreCost { get; set; }
    public string? PeerError { get; set; }
    /// <summary>Issue 16: every dtype at 1 and 16 clients, ours and transformers.js'.</summary>
    public List<DtypeRow> DtypeSweep { get; set; } = [];
    public string SweepModel { get; set; } = "";
    /// <summary>Issue 16: three short tasks in one /v1/analyze call versus three single-task calls (cache off).</summary>
    public PairedResult? Multitask { get; set; }
    /// <summary>Issue 16: the same image again and again, vision-feature cache off versus on.</summary>
    public PairedResult? VisionCache { get; set; }
    /// <summary>Issue 14: cohort versus continuous batching under mixed traffic.</summary>
    public ContinuousResult? Continuous { get; set; }
    /// <summary>Our latency for the peer comparison: the service at concurrency 1 (batching off), p50.</summary>
    public double? OurSingleRequestMs { get; set; }
    public double? OurEngineSingleRequestMs { get; set; }

    /// <summary>The same ratio in service CPU time per request (less sensitive to other load on the machine).</summary>
    public double? BatchingCpuGainC16 =>
        Service.FirstOrDefault(l => l.Mode == "on" && l.Concurrency == 16) is { } on
        && Service.FirstOrDefault(l => l.Mode == "off" && l.Concurrency == 16) is { } off
            ? off.ServiceCpuMsPerRequest / on.ServiceCpuMsPerRequest : null;

    public double? BatchingGainC16 =>
        Service.FirstOrDefault(l => l.Mode == "on" && l.Concurrency == 16) is { } on
        && Service.FirstOrDefault(l => l.Mode == "off" && l.Concurrency == 16) is { } off
            ? on.ThroughputRps / off.ThroughputRps : null;

    public double? VsTransformersJs => Peer is { } p && OurSingleRequestMs is { } ours ? p.MedianMs / ours : null;

    private double? SweepP50(string side, string dtype, int clients) =>
        DtypeSweep.FirstOrDefault(d => d.Side == side && d.Dtype == dtype && d.Clients == clients && d.Error is null)?.P50Ms;

    /// <summary>Our q4 against our fp32, one client: fp32 p50 / q4 p50.</summary>
    public double? Q4SpeedupC1 => SweepP50(DtypeRow.Ours, "fp32", 1) / SweepP50(DtypeRow.Ours, "q4", 1);

    /// <summary>Our q4 against transformers.js' q4, one client: their median / our p50.</summary>
    public double? Q4VsTransformersJsC1 => SweepP50(DtypeRow.Peer, "q4", 1) / SweepP50(DtypeRow.Ours, "q4", 1);

    /// <summary>Issue 16's headline, alone on its line in the report.</summary>
    public string WorkOnceLine =>
        $"multitask_gain={Format(Multitask?.Gain)} vision_cache_gain={Format(VisionCache?.Gain)} " +
        $"q4_speedup_c1={Format(Q4SpeedupC1)} q4_vs_transformersjs_c1={Format(Q4VsTransformersJsC1)}";

    /// <summary>Issue 14's headline, alone on its line in the report.</summary>
    public string ContinuousLine =>
        $"continuous_gain_mixed_c{ContinuousBench.Clients}={Format(Continuous?.ThroughputGain)} short_p50_gain={Format(Continuous?.ShortP50Gain)}";

    /// <summary>Issue 14's ceilings on this machine (<see cref="ContinuousCeiling"/>), on the line after its headline.</summary>
    public string ContinuousCeilingLine =>
        $"continuous_ceiling_mixed_c{ContinuousBench.Clients}={Format(Continuous?.Ceiling?.ThroughputCeiling)} " +
        $"short_p50_ceiling={Format(Continuous?.Ceiling?.ShortP50Ceiling)}";

    public string FinalLine =>
        $"batching_gain_c16={Format(BatchingGainC16)} overhead_pct={Format(Overhead?.OverheadPct)} " +
        $"rss_growth_pct={Format(Memory?.GrowthPct)} vs_transformersjs={Format(VsTransformersJs)}";

    private static string Format(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
