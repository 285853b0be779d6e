using System.Text;

namespace Florence2.Tests.Deploy.Nginx;

/// <summary>
/// Parses nginx configuration text into a directive tree: <c>name args;</c> and <c>name args { ... }</c>, comments
/// (<c>#</c> to the end of the line), single/double quoted arguments with backslash escapes.
/// </summary>
internal static class NginxConfigParser
{
    /// <summary>The top level of the file as the children of a synthetic "main" block.</summary>
    public static NginxDirective Parse(string text)
    {
        var tokens = Tokenize(text).ToList();
        int position = 0;
        var children = ParseBlock(tokens, ref position, closedByBrace: false);
        return new NginxDirective("main", [], children, 0) { IsBlock = true };
    }

    private static List<NginxDirective> ParseBlock(List<Token> tokens, ref int position, bool closedByBrace)
    {
        var directives = new List<NginxDirective>();
        var words = new List<Token>();
        while (position < tokens.Count)
        {
            var token = tokens[position++];
            if (token.Kind == TokenKind.Word)
            {
                words.Add(token);
                continue;
            }
            if (token.Kind == TokenKind.CloseBrace)
            {
                if (!closedByBrace || words.Count > 0)
                    throw new FormatException($"line {token.Line}: unexpected '}}'.");
                return directives;
            }
            if (words.Count == 0)
                throw new FormatException($"line {token.Line}: '{(token.Kind == TokenKind.Semicolon ? ";" : "{")}' without a directive name.");
            string name = words[0].Text;
            var arguments = words.Skip(1).Select(w => w.Text).ToList();
            int line = words[0].Line;
            words.Clear();
            if (token.Kind == TokenKind.Semicolon)
            {
                directives.Add(new NginxDirective(name, arguments, [], line));
                continue;
            }
            var children = ParseBlock(tokens, ref position, closedByBrace: true);
            directives.Add(new NginxDirective(name, arguments, children, line) { IsBlock = true });
        }
        if (closedByBrace)
            throw new FormatException("unexpected end of file: a block is not closed.");
        if (words.Count > 0)
            throw new FormatException($"line {words[0].Line}: directive '{words[0].Text}' is not terminated by ';'.");
        return directives;
    }

    private static IEnumerable<Token> Tokenize(string text)
    {
        int line = 1;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n') { line++; continue; }
            if (char.IsWhiteSpace(c)) continue;
            if (c == '#')
            {
                while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                continue;
            }
            if (c == ';') { yield return new Token(TokenKind.Semicolon, ";", line); continue; }
            if (c == '{') { yield return new Token(TokenKind.OpenBrace, "{", line); continue; }
            if (c == '}') { yield return new Token(TokenKind.CloseBrace, "}", line); continue; }
            int start = line;
            var word = new StringBuilder();
            if (c is '"' or '\'')
            {
                char quote = c;
                for (i++; i < text.Length && text[i] != quote; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length) { word.Append(text[i]).Append(text[++i]); continue; }
                    if (text[i] == '\n') line++;
                    word.Append(text[i]);
                }
                if (i >= text.Length)
                    throw new FormatException($"line {start}: unterminated quoted string.");
            }
            else
            {
                for (; i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (';' or '{' or '}'); i++)
                {
                    word.Append(text[i]);
                    // ${name} is a variable inside an unquoted word, not a block.
                    if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
                    {
                        for (i++; i < text.Length && text[i] != '}'; i++) word.Append(text[i]);
                        if (i < text.Length) word.Append('}');
                    }
                }
                i--;
            }
            yield return new Token(TokenKind.Word, word.ToString(), start);
        }
    }

    private enum TokenKind { Word, Semicolon, OpenBrace, CloseBrace }

    private sealed record Token(TokenKind Kind, string Text, int Line);
}
