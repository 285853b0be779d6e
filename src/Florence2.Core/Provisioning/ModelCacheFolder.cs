namespace Florence2.Provisioning;

/// <summary>Where one repository revision lives in the cache: <c>{CacheDir}/{owner}--{name}/{revision}</c>.</summary>
internal static class ModelCacheFolder
{
    public static string For(ModelSourceOptions options) =>
        Path.GetFullPath(Path.Combine(options.CacheDir, Flatten(options.Repository), Flatten(options.Revision)));

    /// <summary>The absolute path of a hub path (<c>onnx/x.onnx</c>) inside <paramref name="folder"/>.</summary>
    public static string PathOf(string folder, string relativePath) =>
        Path.Combine(folder, relativePath.Replace('/', Path.DirectorySeparatorChar));

    // huggingface_hub's convention (models--owner--name); a revision like refs/pr/1 must not nest folders either.
    private static string Flatten(string name) => name.Replace("/", "--", StringComparison.Ordinal);
}
