namespace Florence2.Cli;

/// <summary>One command of the tool: its name, its usage text, the options it takes and what it does.</summary>
internal sealed record CliCommand(string Name, string Usage, IReadOnlyCollection<string> Options, Func<CommandArguments, Task<int>> RunAsync);
