namespace Florence2.Tasks;

/// <summary>
/// The few Python string semantics the reference post-processor relies on, reproduced exactly so labels match.
/// </summary>
internal static class PythonText
{
    /// <summary>
    /// Python's whitespace set (<c>str.isspace</c>, which is also what <c>\s</c> matches in a str pattern). It differs from
    /// .NET's <c>\s</c>/<see cref="char.IsWhiteSpace(char)"/> by including U+001C..U+001F.
    /// </summary>
    public const string WhitespaceClass =
        @"[\t\n\x0B\f\r\x1C-\x1F \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

    private const string WhitespaceChars =
        "\t\n\u000B\f\r\u001C\u001D\u001E\u001F \u0085\u00A0\u1680" +
        "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";

    private static readonly char[] Whitespace = WhitespaceChars.ToCharArray();

    /// <summary>Python <c>str.strip()</c> with no argument.</summary>
    public static string Strip(string text) => text.Trim(Whitespace);

    /// <summary>Python <c>s.encode('ascii', errors='ignore').decode('ascii')</c>: every non-ASCII character is dropped.</summary>
    public static string AsciiOnly(string text) =>
        text.All(char.IsAscii) ? text : new string(text.Where(char.IsAscii).ToArray());
}
