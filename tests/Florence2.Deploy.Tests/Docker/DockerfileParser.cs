using System.Text;
using System.Text.RegularExpressions;

namespace Florence2.Tests.Deploy.Docker;

/// <summary>
/// Parses a Dockerfile into instructions and stages: comments, blank lines, backslash (or <c># escape=`</c>)
/// line continuations with comment lines inside them, and <c>FROM [--platform=…] image [AS name]</c>.
/// Heredocs are not supported and are reported as an error rather than misread.
/// </summary>
internal static partial class DockerfileParser
{
    public static Dockerfile Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        char escape = EscapeCharacter(lines);
        var instructions = JoinLogicalLines(lines, escape).Select(ToInstruction).ToList();
        return Group(instructions);
    }

    private static char EscapeCharacter(string[] lines)
    {
        // Parser directives are only honoured before the first comment/instruction that is not a directive.
        foreach (string line in lines)
        {
            var directive = Directive().Match(line);
            if (!directive.Success)
                break;
            if (directive.Groups["name"].Value.Equals("escape", StringComparison.OrdinalIgnoreCase))
                return directive.Groups["value"].Value.Trim()[0];
        }
        return '\\';
    }

    private static IEnumerable<(string Text, int Line)> JoinLogicalLines(string[] lines, char escape)
    {
        var current = new StringBuilder();
        int start = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            bool continuing = current.Length > 0;
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                continue; // comments and blank lines are dropped, also inside a continuation
            if (!continuing)
                start = i + 1;
            string body = line.TrimEnd();
            if (body.EndsWith(escape))
            {
                current.Append(body[..^1]).Append(' ');
                continue;
            }
            current.Append(body);
            yield return (current.ToString().Trim(), start);
            current.Clear();
        }
        if (current.Length > 0)
            yield return (current.ToString().Trim(), start);
    }

    private static DockerfileInstruction ToInstruction((string Text, int Line) logical)
    {
        int space = logical.Text.IndexOfAny([' ', '\t']);
        string keyword = (space < 0 ? logical.Text : logical.Text[..space]).ToUpperInvariant();
        string arguments = space < 0 ? "" : logical.Text[(space + 1)..].Trim();
        if (arguments.Contains("<<", StringComparison.Ordinal) && Heredoc().IsMatch(arguments) && keyword is "RUN" or "COPY")
            throw new FormatException($"line {logical.Line}: heredocs are not supported by this parser.");
        return new DockerfileInstruction(keyword, arguments, logical.Line);
    }

    private static Dockerfile Group(List<DockerfileInstruction> instructions)
    {
        var preamble = new List<DockerfileInstruction>();
        var stages = new List<DockerfileStage>();
        DockerfileInstruction? from = null;
        var body = new List<DockerfileInstruction>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword != "FROM")
            {
                (from is null ? preamble : body).Add(instruction);
                continue;
            }
            if (from is not null)
                stages.Add(ToStage(from, stages.Count, body));
            from = instruction;
            body = [];
        }
        if (from is not null)
            stages.Add(ToStage(from, stages.Count, body));
        return new Dockerfile(preamble, stages);
    }

    private static DockerfileStage ToStage(DockerfileInstruction from, int index, List<DockerfileInstruction> body)
    {
        var words = DockerfileWords.Split(from.ArgumentsAfterFlags);
        if (words.Count == 0)
            throw new FormatException($"line {from.Line}: FROM without an image.");
        string? name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
        return new DockerfileStage(words[0], name, index, body);
    }

    [GeneratedRegex(@"^#\s*(?<name>[a-zA-Z]+)\s*=\s*(?<value>\S+)\s*$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"<<-?[""']?[A-Za-z_]+")]
    private static partial Regex Heredoc();
}
