using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Florence2.Imaging;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Cli.Commands;

/// <summary><c>florence2 run</c>: one image through one task, printed as JSON (typed result, HF dictionary, raw text).</summary>
internal static class RunCommand
{
    public static Task<int> RunAsync(CommandArguments args)
    {
        var folder = ModelFolder.Open(args.Required("model"), ModelPrecision.Parse(args.Option("dtype")));
        var task = TaskCatalog.TryFind(args.Option("task") ?? "od", out var found) && found is not null
            ? found
            : throw new CommandLineException($"unknown task '{args.Option("task")}'; known: {string.Join(", ", TaskCatalog.All.Select(t => t.Name))}");
        var options = new InferenceOptions { Provider = Enum.Parse<ExecutionProviderKind>(args.Option("provider") ?? "auto", ignoreCase: true) };
        using var pool = Florence2EnginePool.Create(folder, options, NullLogger.Instance);

        var decoder = new SafeImageDecoder();
        var images = new ImagePreprocessor(decoder, PreprocessorSettings.Load(folder.PreprocessorConfigPath));
        using var decoded = decoder.Decode(File.ReadAllBytes(args.Required("image")));
        var prepared = images.Prepare(decoded);
        LocationBins? region = args.Option("region") is { } text ? RegionParser.Parse(text, decoded.Width, decoded.Height) : null;
        string prompt = PromptBuilder.Build(task, args.Option("text"), region);

        var defaults = folder.Config.GenerationDefaults;
        var outcome = pool.Primary.Run(new EngineRequest
        {
            Image = prepared,
            Prompt = prompt,
            Generation = defaults with { NumBeams = args.Int("beams", defaults.NumBeams), MaxNewTokens = args.Int("max-new-tokens", 1024) },
        });
        if (outcome.Status != EngineOutcomeStatus.Completed)
            throw new CommandLineException($"inference {outcome.Status}: {outcome.Error?.Message}");

        var parsed = Florence2PostProcessor.Parse(task, outcome.Result!.Text, decoded.Width, decoded.Height);
        var json = new JsonObject
        {
            ["task"] = task.Token,
            ["prompt"] = prompt,
            ["raw"] = outcome.Result.Text,
            ["result"] = JsonSerializer.SerializeToNode(parsed.Result),
            ["hf"] = parsed.ToHfDictionary(),
            ["timings_ms"] = JsonSerializer.SerializeToNode(outcome.Result.Timings),
            ["provider"] = pool.Primary.Provider.Name,
        };
        Console.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        return Task.FromResult(0);
    }
}
