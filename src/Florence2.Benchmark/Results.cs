namespace Florence2.Benchmark;

internal sealed record OverheadResult(int Pairs, int Tokens, int Beams, double EngineMedianMs, double EnginePrepareMedianMs,
    double ServiceMedianMs, double OverheadMs, double OverheadPct, double[] EngineMs, double[] ServiceMs,
    double EngineCpuMedianMs, double ServiceCpuMedianMs);

internal sealed record MemoryResult(string Model, int WarmUpRequests, int Requests, int Concurrency, int Tokens, int BatchSize,
    double RssAfterWarmUpMiB, double RssAfterMiB, double PeakMiB, double GrowthPct, int Errors, double MeanGeneratedTokens,
    double[] RssTrajectoryMiB);

internal sealed record ServiceMemorySample(string Label, double RssMiB, double PeakMiB);

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

    public string FinalLine =>
        $"batching_gain_c16={Format(BatchingGainC16)} overhead_pct={Format(Overhead?.OverheadPct)} " +
        $"rss_growth_pct={Format(Memory?.GrowthPct)} vs_transformersjs={Format(VsTransformersJs)}";

    private static string Format(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
