using System.Diagnostics;
using Florence2.Fixtures;
using Florence2.Fixtures.Assets;
using Florence2.Fixtures.Quantization;
using Florence2.Tokenization;

namespace Florence2.Cli.Commands;

/// <summary><c>florence2 fixture</c>: writes a fixture model folder (tiny, base or scripted).</summary>
internal static class FixtureCommand
{
    public static CliCommand Command { get; } = new("fixture", """
          florence2 fixture <tiny|base|scripted> --out DIR [--script "<s>text<loc_1>…</s>"] [--variants all|q4,int8,…] [--assets DIR]
              Writes a Florence-2-shaped ONNX model folder with seeded random weights. The tokenizer and config files
              come from --assets, FLORENCE2_ASSETS or ../shared/florence2-assets (the real Florence-2 files).
              --variants also writes the hub's quantized files beside fp32 (fp16, q8, int8, uint8, q4, q4f16, bnb4).
        """, ["out", "script", "assets", "variants"], RunAsync);

    private static Task<int> RunAsync(CommandArguments args)
    {
        string size = args.Positional(0, "fixture size (tiny, base or scripted)");
        string output = args.Required("out");
        string? assets = args.Option("assets");
        var spec = size.ToLowerInvariant() switch
        {
            "tiny" => FixtureModelSpec.Tiny,
            "base" => FixtureModelSpec.Base,
            "scripted" => FixtureModelSpec.Scripted(ScriptIds(args.Required("script"), assets)),
            _ => throw new CommandLineException($"unknown fixture size '{size}' (tiny, base or scripted)"),
        } with { Variants = Variants(args.Option("variants")) };
        var stopwatch = Stopwatch.StartNew();
        FixtureModelWriter.Write(spec, output, assets);
        long bytes = new DirectoryInfo(output).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Console.WriteLine($"wrote {spec.Name} model to {output}: {bytes / 1e6:F1} MB in {stopwatch.Elapsed.TotalSeconds:F1} s");
        return Task.FromResult(0);
    }

    private static IReadOnlyList<string> Variants(string? option)
    {
        if (string.IsNullOrWhiteSpace(option)) return [];
        if (option.Trim() == "all") return WeightVariants.All;
        var variants = option.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string variant in variants)
        {
            if (!WeightVariants.IsKnown(variant))
                throw new CommandLineException($"unknown variant '{variant}' (all, or some of {string.Join(", ", WeightVariants.All)})");
        }
        return variants;
    }

    /// <summary>The script is text in the model's vocabulary, e.g. <c>&lt;s&gt;car&lt;loc_53&gt;…&lt;/s&gt;</c>.</summary>
    private static int[] ScriptIds(string script, string? assets)
    {
        return Florence2Tokenizer.Load(FixtureAssetsLocator.Resolve(assets)).EncodeRaw(script);
    }
}
