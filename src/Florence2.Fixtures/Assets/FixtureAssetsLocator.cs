namespace Florence2.Fixtures.Assets;

/// <summary>Finds the folder holding the real Florence-2 tokenizer/config files.</summary>
public static class FixtureAssetsLocator
{
    public const string EnvironmentVariable = "FLORENCE2_ASSETS";
    private const string SolutionFile = "Florence2Service.sln";
    private static readonly string[] RelativeCandidates = [Path.Combine("shared", "florence2-assets"), Path.Combine("..", "shared", "florence2-assets")];

    /// <summary>
    /// The explicit folder if given, else $FLORENCE2_ASSETS, else shared/florence2-assets or ../shared/florence2-assets
    /// next to the first ancestor (of the current directory or the app's base directory) containing Florence2Service.sln.
    /// </summary>
    public static string Resolve(string? explicitDirectory = null)
    {
        if (explicitDirectory is not null) return RequireExisting(explicitDirectory, "the assetsDirectory argument");

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return RequireExisting(fromEnvironment, $"${EnvironmentVariable}");

        var searched = new List<string>();
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (!File.Exists(Path.Combine(dir.FullName, SolutionFile))) continue;
                foreach (var relative in RelativeCandidates)
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, relative));
                    if (Directory.Exists(candidate)) return candidate;
                    searched.Add(candidate);
                }
            }
        }
        throw new DirectoryNotFoundException(
            $"Florence-2 assets folder not found. Set the {EnvironmentVariable} environment variable to the folder holding " +
            $"config.json, tokenizer.json, … (searched: {(searched.Count == 0 ? $"no ancestor holding {SolutionFile}" : string.Join(", ", searched))}).");
    }

    private static string RequireExisting(string directory, string origin)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException(
                $"Florence-2 assets folder '{full}' (from {origin}) does not exist. Point {EnvironmentVariable} or the assetsDirectory argument at the folder holding config.json, tokenizer.json, ….");
        return full;
    }
}
