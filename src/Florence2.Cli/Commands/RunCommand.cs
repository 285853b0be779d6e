using System.Text.Json;
using System.Text.Json.Nodes;
using Florence2.Inference;
using Florence2.Provisioning;
using Florence2.Serving;
using Florence2.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Cli.Commands;

/// <summary>
/// <c>florence2 run</c>: one image through one task on the same <see cref="Florence2Model"/> the service serves, with
/// the same limits and messages, printed as the API's JSON (snake_case: typed result, HF dictionary, raw text).
/// </summary>
internal static class RunCommand
{
    public static CliCommand Command { get; } = new("run", """
          florence2 run --model DIR --image FILE [--task od] [--text T] [--region x1,y1,x2,y2] [--beams 3] [--max-new-tokens 1024] [--min-score 0.5] [--logprobs true] [--provider auto|cpu|cuda] [--dtype fp32]
              Runs one image through one task and prints the typed result (with a score per box, quad or polygon and
              the sequence score), the HF dictionary and the raw output as JSON.
              --beams and --max-new-tokens default to the model's generation config and the service's limit (1-8, 1-1024).
              --min-score (0-1) leaves less confident instances out of the result; --logprobs true lists every token's log-probability.
        """, ["model", "image", "task", "text", "region", "beams", "max-new-tokens", "min-score", "logprobs", "provider", "dtype"], RunAsync);

    private static readonly JsonSerializerOptions Json = AnswerJson.Apply(new JsonSerializerOptions { WriteIndented = true });

    private static async Task<int> RunAsync(CommandArguments args)
    {
        var task = TaskRequestValidator.ResolveTask(args.Option("task"), family: null, TaskCatalog.ObjectDetection);
        var request = new TaskRequest(task, args.Option("text"), args.Option("region"), args.OptionalInt("beams"), args.OptionalInt("max-new-tokens"))
        {
            MinScore = args.OptionalDouble("min-score"),
            Logprobs = args.Bool("logprobs", fallback: false),
        };
        TaskRequestValidator.CheckMinScore(request.MinScore);
        var limits = new RequestLimits();
        // Every option is checked before anything is read or loaded, so a wrong command line is always exit 2.
        var settings = LoadSettings(args);
        byte[] image = await File.ReadAllBytesAsync(args.Required("image")).ConfigureAwait(false);
        await using var model = await Florence2Model.LoadAsync(settings, TimeProvider.System, NullLoggerFactory.Instance).ConfigureAwait(false);

        var input = model.Prepare(image, request, limits);
        var answer = await model.EnqueueAsync(input, timeout: null, CancellationToken.None).ConfigureAwait(false);
        var json = Answer(model, request, input, answer.Result);
        Print(json);
        return 0;
    }

    /// <summary>One task's answer as the API writes it (snake_case), with the prompt the model saw.</summary>
    internal static JsonObject Answer(Florence2Model model, TaskRequest request, PreparedInput input, EngineResult answer)
    {
        var parsed = Florence2Model.Parse(input, answer, new PostProcessingOptions());
        var result = request.MinScore is { } minScore ? ScoreFilter.AtLeast(parsed.Result, minScore) : parsed.Result;
        var json = new JsonObject
        {
            ["task"] = input.Task.Token,
            ["prompt"] = input.Request.Prompt,
            ["image"] = new JsonObject { ["width"] = input.Width, ["height"] = input.Height },
            ["result"] = JsonSerializer.SerializeToNode(result, Json),
            ["sequence_score"] = answer.SequenceScore,
            ["hf"] = parsed.ToHfDictionary(),
            ["raw"] = answer.Text,
            ["timings"] = JsonSerializer.SerializeToNode(answer.Timings, Json),
            ["model"] = new JsonObject { ["id"] = model.Id, ["dtype"] = model.Dtype, ["provider"] = model.Provider },
        };
        if (request.Logprobs)
            json["tokens"] = JsonSerializer.SerializeToNode(answer.Tokens, Json);
        return json;
    }

    /// <summary>What the model is loaded with: the folder, its dtype and the provider from the command line.</summary>
    internal static ModelLoadSettings LoadSettings(CommandArguments args) => new()
    {
        LocalPath = args.Required("model"),
        Source = new ModelSourceOptions { Dtype = Dtype(args) },
        Inference = new InferenceOptions { Provider = args.Choice("provider", ExecutionProviderKind.Auto) },
        WarmUp = false,
    };

    internal static void Print(JsonNode json) => Console.WriteLine(json.ToJsonString(Json));

    private static string Dtype(CommandArguments args)
    {
        string dtype = args.Option("dtype") ?? "fp32";
        try
        {
            Models.ModelPrecision.Parse(dtype);
            return dtype;
        }
        catch (FormatException ex)
        {
            throw new CommandLineException("--dtype: " + ex.Message);
        }
    }
}
