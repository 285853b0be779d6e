namespace Florence2.Fixtures;

/// <summary>Writes each distinct spec once under a cache root and reuses the folder afterwards.</summary>
public static class FixtureModelCache
{
    /// <summary>
    /// Returns <c>&lt;root&gt;/&lt;name&gt;-&lt;fingerprint&gt;</c>, writing it first if absent. The folder is written
    /// under a unique temporary name and renamed into place, so a folder that exists is complete; when two processes
    /// race, the loser's rename fails, it discards its copy and uses the winner's.
    /// </summary>
    public static string GetOrCreate(FixtureModelSpec spec, string root, string? assetsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var target = Path.Combine(Path.GetFullPath(root), $"{spec.Name}-{spec.Fingerprint}");
        if (Directory.Exists(target)) return target;

        Directory.CreateDirectory(root);
        var temporary = Path.Combine(Path.GetFullPath(root), $".{spec.Name}-{spec.Fingerprint}.{Guid.NewGuid():N}.tmp");
        try
        {
            FixtureModelWriter.Write(spec, temporary, assetsDirectory);
            Directory.Move(temporary, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            // Another process finished first; its folder is equivalent (same spec ⇒ same bytes).
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
        return target;
    }
}
