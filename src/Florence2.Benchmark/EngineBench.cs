using Florence2.Generation;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Benchmark;

/// <summary>One engine configuration: medians over the repetitions.</summary>
internal sealed record EngineRow(int Batch, int Tokens, int Beams, int Repeats, double WallMs, double MinWallMs,
    double VisionMs, double EncoderMs, double DecoderMsPerStep, double ImagesPerSecond, double DecodeTokensPerSecond,
    double MeanGeneratedTokens);

/// <summary>
/// The engine alone, in this process, on the same JPEG, prompt and generation settings the service uses
/// (the model's generation defaults with the requested beams and token budget, EOS ignored).
/// </summary>
internal sealed class EngineBench : IDisposable
{
    private readonly Florence2EnginePool _pool;
    private readonly SafeImageDecoder _decoder = new();
    private readonly ImagePreprocessor _images;
    private readonly byte[] _jpeg;
    private readonly GenerationSettings _defaults;

    public EngineBench(string modelPath, byte[] jpeg)
    {
        var folder = ModelFolder.Open(modelPath, ModelPrecision.Parse("fp32"));
        _pool = Florence2EnginePool.Create(folder, new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance);
        _images = new ImagePreprocessor(_decoder, PreprocessorSettings.Load(folder.PreprocessorConfigPath));
        _jpeg = jpeg;
        _defaults = folder.Config.GenerationDefaults;
    }

    public static string Prompt { get; } = PromptBuilder.Build(TaskCatalog.Caption);

    public Florence2Engine Engine => _pool.Primary;

    public GenerationSettings Settings(int tokens, int beams) =>
        _defaults with { NumBeams = beams, MaxNewTokens = tokens, IgnoreEos = true };

    /// <summary>Decodes and resizes the JPEG exactly as the service does for an upload.</summary>
    public PreparedImage PrepareImage()
    {
        using var decoded = _decoder.Decode(_jpeg);
        return _images.Prepare(decoded);
    }

    public EngineRow Measure(int batch, int tokens, int beams, int repeats)
    {
        var image = PrepareImage();
        var settings = Settings(tokens, beams);
        var runs = EngineProfiler.MeasureRepeated(Engine, batch, repeats,
            _ => new EngineRequest { Image = image, Prompt = Prompt, Generation = settings });
        var median = runs.OrderBy(r => r.WallMs).ElementAt(runs.Count / 2);
        return new EngineRow(batch, tokens, beams, repeats, median.WallMs, runs.Min(r => r.WallMs),
            median.Slowest.VisionMs, median.Slowest.EncoderMs, median.DecoderMsPerStep,
            batch * 1000 / median.WallMs, batch * median.MeanGeneratedTokens * 1000 / median.WallMs, median.MeanGeneratedTokens);
    }

    /// <summary>
    /// One batch of the prepared image with a prompt and a token budget per row (greedy, EOS ignored): rows with smaller
    /// budgets leave the batch when they finish, as in the service. Every row shares the image's one vision pass.
    /// </summary>
    public BatchMeasurement MeasureRows(IReadOnlyList<(string Prompt, int Tokens)> rows)
    {
        var image = PrepareImage();
        return EngineProfiler.Measure(Engine, rows.Count,
            i => new EngineRequest { Image = image, Prompt = rows[i].Prompt, Generation = Settings(rows[i].Tokens, 1) });
    }

    /// <summary>Latency of one request as the service would do it: JPEG decode + resize, then a batch of one.</summary>
    public (double TotalMs, double PrepareMs, double EngineMs, int Tokens) TimeSingleRequest(int tokens, int beams)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        var image = PrepareImage();
        double prepare = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var m = EngineProfiler.Measure(Engine, 1,
            _ => new EngineRequest { Image = image, Prompt = Prompt, Generation = Settings(tokens, beams) });
        double total = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return (total, prepare, m.WallMs, (int)m.MeanGeneratedTokens);
    }

    public void Dispose() => _pool.Dispose();
}
