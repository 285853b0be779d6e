using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

/// <summary>
/// Verification while downloading (size and the hub's sha256) and on a warm start. A warm start checks each file's
/// size against the manifest always, and re-hashes a file only when its modification time changed since it was
/// verified (or with VerifyOnStart) — these tests pin that contract down.
/// </summary>
public sealed class IntegrityTests
{
    private const string Decoder = ProvisioningScenario.DecoderFile;

    [Fact]
    public async Task Bytes_failing_the_hubs_sha256_are_rejected_and_fetched_again()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.Corrupt(Decoder, times: 1);

        string folder = await scenario.EnsureAsync();

        Assert.Equal(2, scenario.Hub.TransfersOf(Decoder).Count);
        scenario.AssertFolderMatchesHub(folder);
        var warning = Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.VerificationFailed));
        Assert.Contains(FakeHub.Sha256Of(scenario.Hub.ContentOf(Decoder)), warning.Message);
    }

    [Fact]
    public async Task Bytes_failing_twice_end_in_a_clear_error_and_nothing_is_kept()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.Corrupt(Decoder, times: 2);

        var error = await Assert.ThrowsAsync<ModelDownloadException>(() => scenario.EnsureAsync());

        Assert.Equal(Decoder, error.RelativePath);
        Assert.Contains("failed verification twice", error.Message);
        Assert.Contains("sha256", error.Message);
        Assert.False(File.Exists(scenario.CachedPath(Decoder)));
        Assert.False(File.Exists(scenario.CachedPath(Decoder) + ".partial"));
    }

    [Fact]
    public async Task A_cached_file_rewritten_with_same_size_wrong_bytes_is_detected_by_its_sha256_and_fetched_again()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.EnsureAsync();
        string path = scenario.CachedPath(Decoder);
        CorruptInPlace(path);
        // Rewriting a file moves its modification time; set it explicitly so a coarse-timestamp file system can't hide it.
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));

        string folder = await scenario.EnsureAsync();

        Assert.Equal(2, scenario.Hub.TransfersOf(Decoder).Count);
        Assert.Equal(scenario.Hub.Paths.Count() + 1, scenario.Hub.TotalTransfers);
        scenario.AssertFolderMatchesHub(folder);
        var unusable = Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.CachedFileUnusable));
        Assert.Contains("sha256", unusable.Message);
    }

    [Fact]
    public async Task A_truncated_cached_file_is_detected_by_its_size_and_fetched_again()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.EnsureAsync();
        string path = scenario.CachedPath(Decoder);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length / 2);

        string folder = await scenario.EnsureAsync();

        Assert.Equal(2, scenario.Hub.TransfersOf(Decoder).Count);
        scenario.AssertFolderMatchesHub(folder);
        Assert.Contains("expected", Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.CachedFileUnusable)).Message);
    }

    [Fact]
    public async Task Same_size_corruption_with_an_unchanged_time_is_trusted_by_default_and_caught_by_VerifyOnStart()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.EnsureAsync();
        string path = scenario.CachedPath(Decoder);
        var recordedTime = File.GetLastWriteTimeUtc(path);
        CorruptInPlace(path);
        File.SetLastWriteTimeUtc(path, recordedTime);
        int requests = scenario.Hub.Requests.Count;

        await scenario.EnsureAsync();
        Assert.Equal(requests, scenario.Hub.Requests.Count); // the documented limit: no re-hash of unchanged files

        var options = scenario.Options();
        options.VerifyOnStart = true;
        string folder = await scenario.EnsureAsync(options);

        Assert.Equal(2, scenario.Hub.TransfersOf(Decoder).Count);
        scenario.AssertFolderMatchesHub(folder);
    }

    [Fact]
    public async Task Files_put_into_the_cache_by_hand_are_adopted_without_any_request()
    {
        await using var scenario = ProvisioningScenario.Start();
        foreach (string file in scenario.Hub.Paths)
        {
            string target = scenario.CachedPath(file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, scenario.Hub.ContentOf(file));
        }
        await scenario.Hub.StopAsync();

        string folder = await scenario.EnsureAsync();

        Assert.Empty(scenario.Hub.Requests);
        Assert.Equal(scenario.Hub.Paths.Count(), scenario.Log.WithEvent(ProvisioningEvents.Adopted).Count);
        await scenario.EnsureAsync();
        Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.CacheComplete)); // adopted once, then trusted
        scenario.AssertFolderMatchesHub(folder);
    }

    [Theory]
    [InlineData("\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("W/\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"", null)] // git blob sha1 of a small file
    [InlineData("\"d41d8cd98f00b204e9800998ecf8427e\"", null)] // S3 MD5
    [InlineData("\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85z\"", null)]
    [InlineData("", null)]
    public void Only_a_64_hex_ETag_counts_as_a_sha256(string etag, string? expected) =>
        Assert.Equal(expected, HubSha256.FromEtag(etag));

    private static void CorruptInPlace(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        for (int i = 0; i < bytes.Length; i += 4096) bytes[i] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }
}
