namespace Florence2.Tests.Provisioning;

public sealed class ResumeTests
{
    private const string Decoder = ProvisioningScenario.DecoderFile;

    [Fact]
    public async Task A_download_cut_off_midway_resumes_with_a_range_request_for_the_rest()
    {
        await using var scenario = ProvisioningScenario.Start();
        const int cut = 1_000_000;
        scenario.Hub.CutNextResponseAfter(Decoder, cut);

        string folder = await scenario.EnsureAsync();

        var transfers = scenario.Hub.TransfersOf(Decoder);
        Assert.Equal(2, transfers.Count);
        Assert.Null(transfers[0].Range);
        Assert.Equal(cut, transfers[0].BodyBytes);
        Assert.Equal($"bytes={cut}-", transfers[1].Range);
        Assert.Equal(206, transfers[1].Status);
        Assert.Equal(scenario.Hub.ContentOf(Decoder).Length - cut, transfers[1].BodyBytes);
        scenario.AssertFolderMatchesHub(folder);
        Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.ConnectionBroke));
    }

    [Fact]
    public async Task A_partial_file_left_by_an_earlier_run_is_resumed_not_restarted()
    {
        await using var scenario = ProvisioningScenario.Start();
        const int already = 1_234_567;
        WritePartial(scenario, Decoder, scenario.Hub.ContentOf(Decoder)[..already]);

        string folder = await scenario.EnsureAsync();

        var transfer = Assert.Single(scenario.Hub.TransfersOf(Decoder));
        Assert.Equal($"bytes={already}-", transfer.Range);
        Assert.Equal(scenario.Hub.ContentOf(Decoder).Length - already, transfer.BodyBytes);
        scenario.AssertFolderMatchesHub(folder);
        Assert.False(File.Exists(scenario.CachedPath(Decoder) + ".partial"));
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_answers_200_and_the_download_restarts_from_zero()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.IgnoreRange = true;
        WritePartial(scenario, Decoder, scenario.Hub.ContentOf(Decoder)[..500_000]);

        string folder = await scenario.EnsureAsync();

        var transfer = Assert.Single(scenario.Hub.TransfersOf(Decoder));
        Assert.Equal("bytes=500000-", transfer.Range);
        Assert.Equal(200, transfer.Status);
        Assert.Equal(scenario.Hub.ContentOf(Decoder).Length, transfer.BodyBytes);
        scenario.AssertFolderMatchesHub(folder);
        Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.ResumeRefused));
    }

    [Fact]
    public async Task A_partial_holding_wrong_bytes_fails_the_sha256_after_resuming_and_is_fetched_whole()
    {
        await using var scenario = ProvisioningScenario.Start();
        byte[] garbage = new byte[700_000];
        new Random(7).NextBytes(garbage);
        WritePartial(scenario, Decoder, garbage);

        string folder = await scenario.EnsureAsync();

        var transfers = scenario.Hub.TransfersOf(Decoder);
        Assert.Equal(2, transfers.Count);
        Assert.Equal("bytes=700000-", transfers[0].Range);
        Assert.Null(transfers[1].Range);
        scenario.AssertFolderMatchesHub(folder);
        Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.VerificationFailed));
    }

    [Fact]
    public async Task A_partial_as_long_as_the_file_gets_416_and_is_discarded()
    {
        await using var scenario = ProvisioningScenario.Start();
        byte[] content = scenario.Hub.ContentOf(Decoder);
        WritePartial(scenario, Decoder, content);

        string folder = await scenario.EnsureAsync();

        Assert.Contains(scenario.Hub.Requests, r => r.Path == Decoder && r.Status == 416);
        var transfer = Assert.Single(scenario.Hub.TransfersOf(Decoder));
        Assert.Null(transfer.Range);
        scenario.AssertFolderMatchesHub(folder);
    }

    private static void WritePartial(ProvisioningScenario scenario, string relativePath, byte[] bytes)
    {
        string path = scenario.CachedPath(relativePath) + ".partial";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
