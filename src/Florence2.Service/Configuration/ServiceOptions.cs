using System.ComponentModel.DataAnnotations;
using Florence2.Tasks;

namespace Florence2.Service.Configuration;

/// <summary>How the service behaves around the model (<c>Florence2:Service</c>).</summary>
public sealed class ServiceOptions
{
    public const string Section = "Florence2:Service";

    /// <summary>Seconds that queued and running requests get to finish after SIGTERM. Default 30.</summary>
    [Range(0, 3600, ErrorMessage = "Florence2:Service:DrainTimeoutSeconds must be between {1} and {2}.")]
    public int DrainTimeoutSeconds { get; set; } = 30;

    /// <summary>Run each task family at batch 1 and at the max batch size before reporting ready. Default true.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>Console logs as <c>text</c> (default) or <c>json</c> (one compact JSON object per line).</summary>
    [RegularExpression("^(text|json)$", ErrorMessage = "Florence2:Service:LogFormat must be 'text' or 'json'.")]
    public string LogFormat { get; set; } = "text";

    /// <summary>OTLP endpoint (e.g. http://otel-collector:4317) for traces and metrics; empty (default) = off.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// OCR quirk: keep <c>&lt;/s&gt;</c> at the start of the first OCR label as Microsoft's Python processor does.
    /// Default false (transformers.js behaviour).
    /// </summary>
    public bool KeepEosInFirstOcrLabel { get; set; }

    /// <summary>
    /// Coordinates as Microsoft's processor computes them (<c>Float32Reference</c>, default), in float64
    /// (<c>Float64</c>, transformers.js) or truncated to integers (<c>TruncatedInteger</c>, native transformers).
    /// </summary>
    public CoordinateFormat Coordinates { get; set; } = CoordinateFormat.Float32Reference;

    /// <summary>
    /// Serve the playground page at <c>/</c> (an HTML page that runs tasks through this API and draws the answers).
    /// Default true; false makes <c>/</c> a 404. Env: <c>Florence2__Service__Playground</c>.
    /// </summary>
    public bool Playground { get; set; } = true;

    /// <summary>
    /// BENCHMARK ONLY — never set in production. Every request decodes exactly its <c>max_new_tokens</c>, ignoring EOS,
    /// so throughput and latency are measured for a fixed amount of work (src/Florence2.Benchmark sets it). The
    /// answers are meaningless text. Default false. Env: <c>Florence2__Service__BenchmarkIgnoreEos</c>.
    /// </summary>
    public bool BenchmarkIgnoreEos { get; set; }
}
