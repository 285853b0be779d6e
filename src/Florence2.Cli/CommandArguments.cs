namespace Florence2.Cli;

/// <summary>
/// A command's arguments: positional values and <c>--name value</c> options, checked against the options the command
/// declares, so a misspelt option (<c>--max_new_tokens</c>) is an error instead of being ignored.
/// </summary>
internal sealed class CommandArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public CommandArguments(IReadOnlyList<string> args, IReadOnlyCollection<string> knownOptions)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                string name = args[i][2..];
                if (!knownOptions.Contains(name))
                    throw new CommandLineException($"unknown option {args[i]}{Suggestion(name, knownOptions)}");
                if (i + 1 >= args.Count) throw new CommandLineException($"option {args[i]} needs a value");
                _options[name] = args[++i];
            }
            else
            {
                _positional.Add(args[i]);
            }
        }
    }

    /// <summary>True when the arguments ask for help (<c>--help</c>, <c>-h</c>) anywhere.</summary>
    public static bool AsksForHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h");

    public string Positional(int index, string what) =>
        index < _positional.Count ? _positional[index] : throw new CommandLineException($"missing {what}");

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Option(name) ?? throw new CommandLineException($"missing --{name}");

    /// <summary>An integer option; null when absent, so the caller's defaults (and range checks) apply.</summary>
    public int? OptionalInt(string name) => OptionalNumber<int>(name, System.Globalization.NumberStyles.Integer, "an integer");

    public int Int(string name, int fallback) => OptionalInt(name) ?? fallback;

    /// <summary>A number option (invariant culture, e.g. 0.5); null when absent.</summary>
    public double? OptionalDouble(string name) => OptionalNumber<double>(name, System.Globalization.NumberStyles.Float, "a number");

    private T? OptionalNumber<T>(string name, System.Globalization.NumberStyles styles, string what) where T : struct, System.Numerics.INumberBase<T> =>
        Option(name) is { } text
            ? T.TryParse(text, styles, System.Globalization.CultureInfo.InvariantCulture, out T value)
                ? value
                : throw new CommandLineException($"--{name} must be {what}; got '{text}'")
            : null;

    /// <summary>A true/false option; <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string name, bool fallback) =>
        Option(name) is { } text
            ? bool.TryParse(text, out bool value) ? value : throw new CommandLineException($"--{name} must be true or false; got '{text}'")
            : fallback;

    /// <summary>An option naming one of an enum's values (case-insensitive); the message lists them when it doesn't.</summary>
    public TEnum Choice<TEnum>(string name, TEnum fallback) where TEnum : struct, Enum =>
        Option(name) is not { } text ? fallback
        : System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _) ? value
        : throw new CommandLineException($"--{name} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}; got '{text}'");

    public int[] IntList(string name, int[] fallback) =>
        Option(name) is { } text
            ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(part => int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v)
                    ? v
                    : throw new CommandLineException($"--{name} must be a list of integers")).ToArray()
            : fallback;

    /// <summary>" (did you mean --max-new-tokens?)" for the usual slips: underscores, case, a missing dash.</summary>
    private static string Suggestion(string name, IReadOnlyCollection<string> known)
    {
        string Normalise(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        string? match = known.FirstOrDefault(k => Normalise(k) == Normalise(name));
        return match is null ? "" : $" (did you mean --{match}?)";
    }
}

/// <summary>A command line that can't be run as written: the message says what to fix; the usage follows.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
