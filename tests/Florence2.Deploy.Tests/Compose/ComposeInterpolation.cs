using System.Text.RegularExpressions;

namespace Florence2.Tests.Deploy.Compose;

/// <summary>Compose variable interpolation: <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR:?error}</c>, <c>$VAR</c>; <c>$$</c> is a literal dollar.</summary>
internal static partial class ComposeInterpolation
{
    public static IReadOnlyList<string> Variables(string text) =>
        Reference().Matches(text.Replace("$$", "", StringComparison.Ordinal))
            .Select(m => m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value)
            .ToList();

    /// <summary>The whole value is one variable reference (no literal text mixed in).</summary>
    public static bool IsWhollyVariable(string value) => Whole().IsMatch(value);

    /// <summary>The value is <c>${VAR:?message}</c> or <c>${VAR?message}</c>: compose fails when VAR is unset.</summary>
    public static bool IsRequiredVariable(string value) => Required().IsMatch(value);

    /// <summary>The value is a variable with no literal default, or with an empty one (<c>${VAR:-}</c>).</summary>
    public static bool HasNoLiteralDefault(string value) => NoDefault().IsMatch(value);

    [GeneratedRegex(@"\$\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$(?<bare>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*[^}]*\}$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]+\}$")]
    private static partial Regex Required();

    [GeneratedRegex(@"^\$\{[A-Za-z_][A-Za-z0-9_]*((:?\?[^}]*)|(:?-))?\}$")]
    private static partial Regex NoDefault();
}
