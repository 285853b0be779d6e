namespace Florence2.Tests;

/// <summary>Locates files of the repository under test: the folder that holds Florence2Service.sln (one finder for every test project).</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    /// <summary>The absolute path of a repository-relative file; fails the test, naming the file, when it is missing.</summary>
    public static string File(string relativePath)
    {
        string full = System.IO.Path.Combine(Path, relativePath);
        Assert.True(System.IO.File.Exists(full), $"{relativePath}: the file is missing (looked in {Path}).");
        return full;
    }

    public static string ReadText(string relativePath) => System.IO.File.ReadAllText(File(relativePath));

    /// <summary>
    /// A second-level section of a Markdown file: from its <c>## heading</c> line to the next one (or the end), with
    /// <c>\n</c> line ends; fails the test, naming the file, when the heading is missing.
    /// </summary>
    public static string MarkdownSection(string relativePath, string heading)
    {
        string text = ReadText(relativePath).ReplaceLineEndings("\n");
        int start = text.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{relativePath} has a section \"## {heading}\"");
        int end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    /// <summary>The path relative to the root with forward slashes, as test messages name files.</summary>
    public static string Relative(string fullPath) =>
        System.IO.Path.GetRelativePath(Path, fullPath).Replace('\\', '/');

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Florence2Service.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"Florence2Service.sln not found above {AppContext.BaseDirectory}.");
    }
}
