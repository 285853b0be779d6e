using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Cli.Commands;

/// <summary>
/// <c>florence2 profile</c>: per-stage timings of the engine (vision, encoder, decoder per step) on synthetic
/// images, at each batch size, decoding a fixed number of tokens (EOS ignored).
/// </summary>
internal static class ProfileCommand
{
    private const string OdPrompt = "Locate the objects with category name in the image.";

    public static CliCommand Command { get; } = new("profile", """
          florence2 profile --model DIR [--batch 1,8] [--tokens 32] [--beams 1] [--repeat 3] [--threads 0] [--provider auto|cpu|cuda] [--dtype fp32]
              Times vision, encoder and decoder per step on synthetic images at each batch size.
        """, ["model", "batch", "tokens", "beams", "repeat", "threads", "provider", "dtype"], RunAsync);

    private static Task<int> RunAsync(CommandArguments args)
    {
        var folder = ModelFolder.Open(args.Required("model"), ModelPrecision.Parse(args.Option("dtype")));
        var options = new InferenceOptions
        {
            Provider = args.Choice("provider", ExecutionProviderKind.Auto),
            IntraOpThreads = args.Int("threads", 0),
        };
        int[] batches = args.IntList("batch", [1, 8]);
        int tokens = args.Int("tokens", 32);
        int beams = args.Int("beams", 1);
        int repeat = args.Int("repeat", 3);
        using var pool = Florence2EnginePool.Create(folder, options, NullLogger.Instance);
        var engine = pool.Primary;
        Console.WriteLine($"model {folder.Id} ({folder.Precision}) on {engine.Provider.Name}: {engine.Provider.Reason}");
        Console.WriteLine($"{Environment.ProcessorCount} logical cores; {tokens} tokens per request, {beams} beam(s), best of {repeat}");
        Console.WriteLine("batch | vision ms | encoder ms | decoder ms/step | total ms | images/s | tokens/s");

        var settings = new GenerationSettings { NumBeams = beams, MaxNewTokens = tokens, IgnoreEos = true };
        // Warm-up: first runs allocate arenas and pick kernels.
        EngineProfiler.Measure(engine, 1, MakeRequest(settings));
        foreach (int batch in batches)
        {
            var best = EngineProfiler.MeasureRepeated(engine, batch, repeat, MakeRequest(settings)).MinBy(m => m.WallMs)!;
            double bestWall = best.WallMs;
            Console.WriteLine(
                $"{batch,5} | {best.Slowest.VisionMs,9:F1} | {best.Slowest.EncoderMs,10:F1} | {best.DecoderMsPerStep,15:F2} | {bestWall,8:F1} | {batch * 1000 / bestWall,8:F2} | {batch * tokens * 1000 / bestWall,8:F1}");
        }
        return Task.FromResult(0);
    }

    private static Func<int, EngineRequest> MakeRequest(GenerationSettings settings) =>
        i => new EngineRequest { Image = new SyntheticPixels(seed: i), Prompt = OdPrompt, Generation = settings };
}
