using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

/// <summary>DownloadTimeoutSeconds is a stall timeout: silence fails a request, a slow but moving download does not.</summary>
public sealed class StallTests
{
    [Fact]
    public async Task A_hub_that_never_answers_counts_as_unreachable_after_the_timeout()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.HangNextRequest(ProvisioningScenario.ConfigFile);
        var options = scenario.Options();
        options.DownloadTimeoutSeconds = 1;

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => scenario.EnsureAsync(options));

        Assert.Contains("did not answer within 1 s", error.Message);
        Assert.Equal(ProvisioningScenario.ConfigFile, error.MissingFiles[0].RelativePath);
    }

    [Fact]
    public async Task A_body_that_goes_silent_midway_is_abandoned_after_the_timeout_and_resumed()
    {
        await using var scenario = ProvisioningScenario.Start();
        const int stallAt = 800_000;
        scenario.Hub.StallNextResponseAfter(ProvisioningScenario.DecoderFile, stallAt);
        var options = scenario.Options();
        // Long enough that the resumed, healthy transfer never looks silent on a slow or busy machine (1 s did once).
        options.DownloadTimeoutSeconds = 5;

        string folder = await scenario.EnsureAsync(options);

        var transfers = scenario.Hub.TransfersOf(ProvisioningScenario.DecoderFile);
        Assert.Equal(2, transfers.Count);
        Assert.Equal($"bytes={stallAt}-", transfers[1].Range);
        scenario.AssertFolderMatchesHub(folder);
    }
}
