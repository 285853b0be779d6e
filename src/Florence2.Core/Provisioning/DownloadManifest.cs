using System.Text.Json;
using System.Text.Json.Serialization;

namespace Florence2.Provisioning;

/// <summary>
/// What was verified about each file in a model folder (<c>.florence2-manifest.json</c>), so a warm start can trust an
/// unchanged file without re-hashing gigabytes, yet notice one that was truncated or rewritten since.
/// Only the holder of the folder's <see cref="CacheFolderLock"/> saves it; saving replaces the file atomically, so a
/// reader without the lock sees the old or the new manifest, never half of one.
/// </summary>
internal sealed class DownloadManifest
{
    public const string FileName = ".florence2-manifest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Dictionary<string, ManifestEntry> _files;

    private DownloadManifest(Dictionary<string, ManifestEntry> files) => _files = files;

    /// <summary>Reads the folder's manifest; a missing or unreadable one is empty (every present file is then re-hashed).</summary>
    public static DownloadManifest Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        try
        {
            var document = JsonSerializer.Deserialize<ManifestDocument>(File.ReadAllText(path), Json);
            return new DownloadManifest(new Dictionary<string, ManifestEntry>(document?.Files ?? new Dictionary<string, ManifestEntry>(), StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return new DownloadManifest(new Dictionary<string, ManifestEntry>(StringComparer.Ordinal));
        }
    }

    public ManifestEntry? Find(string relativePath) => _files.GetValueOrDefault(relativePath);

    public void Record(string relativePath, ManifestEntry entry) => _files[relativePath] = entry;

    public void Forget(string relativePath) => _files.Remove(relativePath);

    public void Save(string folder)
    {
        string path = Path.Combine(folder, FileName);
        string temporary = path + ".tmp";
        var document = new ManifestDocument { Files = new SortedDictionary<string, ManifestEntry>(_files, StringComparer.Ordinal) };
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private sealed class ManifestDocument
    {
        [JsonPropertyName("version")] public int Version { get; set; } = 1;

        [JsonPropertyName("files")] public IDictionary<string, ManifestEntry>? Files { get; set; }
    }
}

/// <summary>One verified file.</summary>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Sha256">Its sha256 (lower-case hex), computed while it was written.</param>
/// <param name="HubVerified">True when the hub published that sha256 and it matched; false when it was only computed
/// here (small non-LFS files, files put into the folder by hand).</param>
/// <param name="LastWriteUtc">The file's modification time when it was verified; a different one means it was rewritten.</param>
internal sealed record ManifestEntry(
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("hubVerified")] bool HubVerified,
    [property: JsonPropertyName("lastWriteUtc")] DateTime LastWriteUtc);
