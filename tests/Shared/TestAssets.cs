namespace Florence2.Tests;

/// <summary>
/// Finds the real Florence-2 tokenizer/config files: FLORENCE2_ASSETS, else <c>../shared/florence2-assets</c> next to
/// the repository. They are data the tests need; a machine without them fails the tests with a message that says so.
/// </summary>
public static class TestAssets
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    public static string File(string name) => Path.Combine(Directory, name);

    private static string Locate()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("FLORENCE2_ASSETS");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            if (System.IO.File.Exists(Path.Combine(fromEnvironment, "vocab.json"))) return fromEnvironment;
            throw new InvalidOperationException($"FLORENCE2_ASSETS='{fromEnvironment}' has no vocab.json.");
        }
        string candidate = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "florence2-assets"));
        if (System.IO.File.Exists(Path.Combine(candidate, "vocab.json"))) return candidate;
        throw new InvalidOperationException(
            $"The Florence-2 tokenizer/config assets are missing: expected them at '{candidate}' " +
            "(or set FLORENCE2_ASSETS to a folder holding vocab.json, merges.txt, added_tokens.json, config.json …).");
    }
}
