using System.Security.Cryptography;

namespace Florence2.Provisioning;

/// <summary>
/// Decides whether a cached file can be used without downloading it. What a warm start checks, per file:
/// <list type="bullet">
/// <item>it exists, and its size equals the manifest's (always; catches truncation);</item>
/// <item>if its modification time differs from the manifest's (it was rewritten), or
/// <see cref="ModelSourceOptions.VerifyOnStart"/> is set, its sha256 is recomputed and compared with the manifest's;</item>
/// <item>a file with no manifest entry (put there by hand) is hashed once and adopted as it is.</item>
/// </list>
/// Same-size corruption that leaves the modification time untouched is only caught with VerifyOnStart — hashing every
/// start would read gigabytes each time.
/// </summary>
internal static class CachedFileCheck
{
    /// <summary>
    /// The answer without reading file contents: valid, missing/unusable (with the reason), or null when only hashing
    /// can tell (no manifest entry, a changed modification time, or <paramref name="verifyOnStart"/>).
    /// </summary>
    public static CachedFileVerdict? WithoutHashing(string path, ManifestEntry? entry, bool verifyOnStart)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return CachedFileVerdict.Unusable("missing");
        if (entry is null || verifyOnStart) return null;
        if (info.Length != entry.Size) return CachedFileVerdict.Unusable($"{info.Length} bytes cached, {entry.Size} expected");
        return info.LastWriteTimeUtc == entry.LastWriteUtc ? CachedFileVerdict.Valid(null) : null;
    }

    /// <summary>The full answer, hashing when needed; a valid verdict carries the manifest entry to record.</summary>
    public static async Task<CachedFileVerdict> CheckAsync(string path, ManifestEntry? entry, bool verifyOnStart, CancellationToken cancellationToken)
    {
        var quick = WithoutHashing(path, entry, verifyOnStart);
        if (quick is not null) return quick;

        var info = new FileInfo(path);
        if (entry is not null && info.Length != entry.Size)
            return CachedFileVerdict.Unusable($"{info.Length} bytes cached, {entry.Size} expected");
        string sha = await HashAsync(path, cancellationToken).ConfigureAwait(false);
        if (entry is null)
            return CachedFileVerdict.Valid(new ManifestEntry(info.Length, sha, HubVerified: false, info.LastWriteTimeUtc));
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            return CachedFileVerdict.Unusable($"sha256 {sha} cached, {entry.Sha256} expected");
        return CachedFileVerdict.Valid(entry with { LastWriteUtc = info.LastWriteTimeUtc });
    }

    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }
}

/// <summary>Whether a cached file is usable; when not, why; when valid after hashing, the manifest entry to record.</summary>
internal sealed record CachedFileVerdict(bool IsValid, string? Problem, ManifestEntry? EntryToRecord)
{
    public static CachedFileVerdict Valid(ManifestEntry? entryToRecord) => new(true, null, entryToRecord);

    public static CachedFileVerdict Unusable(string problem) => new(false, problem, null);
}
