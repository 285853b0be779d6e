using System.Text.Json.Nodes;
using Florence2.Inference;
using Florence2.Serving;
using Florence2.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Cli.Commands;

/// <summary>
/// <c>florence2 analyze</c>: several tasks on one image, as POST /v1/analyze runs them: the image decoded once, the
/// tasks queued together so they share one vision pass; prints every answer in order and the passes it took.
/// </summary>
internal static class AnalyzeCommand
{
    public static CliCommand Command { get; } = new("analyze", """
          florence2 analyze --model DIR --image FILE --tasks od,caption,phrase_grounding [--text T] [--region x1,y1,x2,y2] [--beams 3] [--max-new-tokens 1024] [--provider auto|cpu|cuda] [--dtype fp32]
              Runs every task of --tasks (comma-separated names or tokens) on the image in one batch and prints
              {"image", "vision_passes", "results": [one answer per task, in order]} as JSON. --text goes to the tasks
              that take text, --region to those that take a region; --beams and --max-new-tokens to all.
        """, ["model", "image", "tasks", "text", "region", "beams", "max-new-tokens", "provider", "dtype"], AnalyzeAsync);

    private static async Task<int> AnalyzeAsync(CommandArguments args)
    {
        var tasks = args.Required("tasks").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => TaskRequestValidator.ResolveTask(name, family: null, TaskCatalog.ObjectDetection))
            .ToArray();
        if (tasks.Length == 0) throw new CommandLineException("--tasks names no task; e.g. --tasks od,caption");
        var requests = tasks.Select(task => new TaskRequest(task,
            task.InputKind == TaskInputKind.Text ? args.Option("text") : null,
            task.InputKind == TaskInputKind.Region ? args.Option("region") : null,
            args.OptionalInt("beams"), args.OptionalInt("max-new-tokens"))).ToArray();
        var settings = RunCommand.LoadSettings(args);
        byte[] image = await File.ReadAllBytesAsync(args.Required("image")).ConfigureAwait(false);
        await using var model = await Florence2Model.LoadAsync(settings, TimeProvider.System, NullLoggerFactory.Instance).ConfigureAwait(false);

        var inputs = model.PrepareAll(image, requests, new RequestLimits());
        var answers = await Task.WhenAll(model.EnqueueAll(inputs, timeout: null, CancellationToken.None)).ConfigureAwait(false);
        var results = new JsonArray();
        for (int i = 0; i < inputs.Count; i++) results.Add(RunCommand.Answer(model, requests[i], inputs[i], answers[i].Result));
        RunCommand.Print(new JsonObject
        {
            ["image"] = new JsonObject { ["width"] = inputs[0].Width, ["height"] = inputs[0].Height },
            ["vision_passes"] = answers.Count(a => a.Result.Timings.VisionSource == VisionFeatureSource.Encoded),
            ["results"] = results,
        });
        return 0;
    }
}
