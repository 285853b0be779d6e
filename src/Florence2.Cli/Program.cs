using Florence2.Cli;
using Florence2.Cli.Commands;

// florence2 — the project's command-line tool: writes fixture models, runs one image, profiles the engine.
var commands = new Dictionary<string, Func<CommandArguments, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["fixture"] = FixtureCommand.RunAsync,
    ["profile"] = ProfileCommand.RunAsync,
    ["run"] = RunCommand.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("""
        usage:
          florence2 fixture <tiny|base|scripted> --out DIR [--script "<s>text<loc_1>…</s>"] [--assets DIR]
              Writes a Florence-2-shaped ONNX model folder with seeded random weights.
          florence2 run --model DIR --image FILE [--task od] [--text T] [--region x1,y1,x2,y2] [--beams 3] [--max-new-tokens 1024] [--provider auto|cpu|cuda]
              Runs one image through one task and prints the typed result, the HF dictionary and the raw output.
          florence2 profile --model DIR [--batch 1,8] [--tokens 32] [--beams 1] [--repeat 3] [--provider auto|cpu|cuda] [--dtype fp32]
              Times vision, encoder and decoder per step on synthetic images at each batch size.
        """);
    return 2;
}

try
{
    return await command(new CommandArguments(args[1..]));
}
catch (CommandLineException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is Florence2.Models.ModelLoadException or Florence2.Imaging.ImageRejectedException
    or Florence2.Tasks.PromptValidationException or FormatException or FileNotFoundException or DirectoryNotFoundException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
