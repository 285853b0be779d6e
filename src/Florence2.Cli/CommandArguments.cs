namespace Florence2.Cli;

/// <summary>A command's arguments: positional values and <c>--name value</c> options.</summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _positional = [];

    public CommandArguments(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Count) throw new CommandLineException($"option {args[i]} needs a value");
                _options[args[i][2..]] = args[++i];
            }
            else
            {
                _positional.Add(args[i]);
            }
        }
    }

    public string Positional(int index, string what) =>
        index < _positional.Count ? _positional[index] : throw new CommandLineException($"missing {what}");

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Option(name) ?? throw new CommandLineException($"missing --{name}");

    public int Int(string name, int fallback) =>
        Option(name) is { } text ? int.TryParse(text, out int value) ? value : throw new CommandLineException($"--{name} must be an integer") : fallback;

    public int[] IntList(string name, int[] fallback) =>
        Option(name) is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => int.TryParse(part, out int v) ? v : throw new CommandLineException($"--{name} must be a list of integers")).ToArray()
            : fallback;
}

internal sealed class CommandLineException(string message) : Exception(message);
