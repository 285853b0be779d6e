using System.Text.RegularExpressions;

namespace Florence2.Tests.Deploy.Configuration;

/// <summary>
/// The environment variables a deploy file may hand to the service container: the service's own options
/// (<c>Florence2__Section__Name[__index]</c> with a known section), ASP.NET Core / .NET runtime variables, the NVIDIA
/// container toolkit's, and a few process basics. Anything else is a typo the service would silently ignore.
/// </summary>
internal static partial class EnvironmentVariableNameRule
{
    /// <summary>The option sections the service binds (Florence2:Model, Florence2:Inference, ...).</summary>
    public static readonly IReadOnlySet<string> Sections = new HashSet<string>(StringComparer.Ordinal)
    {
        "Model", "Inference", "Batching", "Cache", "Security", "Service", "Limits",
    };

    private static readonly IReadOnlySet<string> ProcessBasics = new HashSet<string>(StringComparer.Ordinal)
    {
        "TMPDIR", "HOME", "PATH", "TZ", "LANG", "LC_ALL",
    };

    /// <summary>Null when the name is acceptable, otherwise why not.</summary>
    public static string? Problem(string name)
    {
        if (name.StartsWith("Florence2", StringComparison.OrdinalIgnoreCase))
        {
            var match = ServiceOption().Match(name);
            if (!match.Success)
                return "service options are spelled Florence2__Section__Name (two underscores, PascalCase segments)";
            string section = match.Groups["section"].Value;
            return Sections.Contains(section) ? null : $"unknown section '{section}' (known: {string.Join(", ", Sections)})";
        }
        if (PlatformVariable().IsMatch(name) || ProcessBasics.Contains(name))
            return null;
        return "not a Florence2__/ASPNETCORE_/DOTNET_/NVIDIA_ variable; the service would ignore it";
    }

    // Florence2__Model__Path, Florence2__Security__ApiKeys__0, Florence2__Security__RateLimit__Burst.
    [GeneratedRegex(@"^Florence2__(?<section>[A-Z][A-Za-z0-9]*)(__([A-Z][A-Za-z0-9]*|\d+))+$")]
    private static partial Regex ServiceOption();

    // ASPNETCORE_URLS, DOTNET_EnableDiagnostics, NVIDIA_VISIBLE_DEVICES (ASPNETCORE__URLS would bind "_URLS").
    [GeneratedRegex(@"^(ASPNETCORE|DOTNET|NVIDIA)_[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex PlatformVariable();
}
