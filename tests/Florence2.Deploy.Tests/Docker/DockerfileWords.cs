using System.Text;

namespace Florence2.Tests.Deploy.Docker;

/// <summary>Shell-like word splitting of instruction arguments, as Docker does for ENV, ARG, LABEL and flags.</summary>
internal static class DockerfileWords
{
    /// <summary>Words separated by unquoted whitespace; quotes are removed, backslash escapes the next character.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote == '\'')
            {
                if (c == '\'') quote = '\0'; else word.Append(c);
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
                inWord = true;
            }
            else if (quote == '"')
            {
                if (c == '"') quote = '\0'; else word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    /// <summary>
    /// <c>name=value</c> pairs of ENV/ARG (<c>ARG name</c> without a default gives an empty value), or the legacy
    /// <c>ENV name value with spaces</c> form.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Assignments(string arguments)
    {
        var words = Split(arguments);
        if (words.Count == 0)
            return [];
        if (!words[0].Contains('=') && words.Count > 1)
        {
            string name = words[0];
            string value = arguments.Trim()[name.Length..].Trim();
            return [new(name, string.Join(' ', Split(value)))];
        }
        return words.Select(w =>
        {
            int eq = w.IndexOf('=');
            return eq < 0 ? new KeyValuePair<string, string>(w, "") : new(w[..eq], w[(eq + 1)..]);
        }).ToList();
    }

    /// <summary>Splits leading <c>--flag[=value]</c> words from the rest of the arguments.</summary>
    public static (IReadOnlyDictionary<string, string> Flags, string Remainder) LeadingFlags(string arguments)
    {
        var flags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string rest = arguments.TrimStart();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            int end = 0;
            while (end < rest.Length && !char.IsWhiteSpace(rest[end])) end++;
            string flag = rest[2..end];
            int eq = flag.IndexOf('=');
            flags[eq < 0 ? flag : flag[..eq]] = eq < 0 ? "" : flag[(eq + 1)..];
            rest = rest[end..].TrimStart();
        }
        return (flags, rest);
    }
}
