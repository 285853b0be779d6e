using Florence2.Cli;
using Florence2.Cli.Commands;

// florence2 — the project's command-line tool: writes fixture models, runs one image, profiles the engine, shows pixels.
// Exit codes: 0 success (and --help), 1 the work failed (model, image, inference), 2 the command line is wrong.
CliCommand[] commands = [FixtureCommand.Command, RunCommand.Command, AnalyzeCommand.Command, ProfileCommand.Command, PixelsCommand.Command];
string usage = "usage:\n" + string.Join("\n", commands.Select(c => c.Usage)) +
    "\n  florence2 <command> --help\n      Shows the command's usage.";

if (args.Length == 0)
{
    Console.Error.WriteLine("error: no command given");
    Console.Error.WriteLine(usage);
    return 2;
}
if (args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(usage);
    return 0;
}
var command = commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.OrdinalIgnoreCase));
if (command is null)
{
    Console.Error.WriteLine($"error: unknown command '{args[0]}'; the commands are {string.Join(", ", commands.Select(c => c.Name))}");
    Console.Error.WriteLine(usage);
    return 2;
}
if (CommandArguments.AsksForHelp(args.Skip(1)))
{
    Console.WriteLine("usage:\n" + command.Usage);
    return 0;
}

try
{
    return await command.RunAsync(new CommandArguments(args[1..], command.Options));
}
catch (CommandLineException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage:\n" + command.Usage);
    return 2;
}
catch (Florence2.Serving.InvalidRequestException ex)
{
    // The same limits and words as the service's 400 answers.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}
catch (Exception ex) when (ex is Florence2.Models.ModelLoadException or Florence2.Imaging.ImageRejectedException
    or FormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
