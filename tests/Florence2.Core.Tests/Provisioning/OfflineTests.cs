using Florence2.Models;
using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

public sealed class OfflineTests
{
    [Fact]
    public async Task Offline_with_nothing_cached_throws_ModelUnavailableException_naming_files_urls_and_folder()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.Hub.StopAsync();
        var options = scenario.Options();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => scenario.EnsureAsync(options));

        var expected = ModelFileSet.For(ModelPrecision.Fp32);
        Assert.Equal(expected, error.MissingFiles.Select(f => f.RelativePath));
        Assert.Equal(scenario.ExpectedFolder, error.Folder);
        Assert.Contains(scenario.ExpectedFolder, error.Message);
        Assert.Contains("Florence2__Model__Path", error.Message);
        foreach (var file in error.MissingFiles)
        {
            Assert.Equal($"{scenario.Hub.BaseUrl}/{scenario.Hub.Repository}/resolve/main/{file.RelativePath}", file.SourceUrl.AbsoluteUri);
            Assert.Contains(file.RelativePath, error.Message);
            Assert.Contains(file.SourceUrl.AbsoluteUri, error.Message);
        }
        Assert.Contains("could not be reached", error.Message);
    }

    [Fact]
    public async Task Offline_with_everything_cached_succeeds()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.EnsureAsync();
        await scenario.Hub.StopAsync();

        string folder = await scenario.EnsureAsync();

        ModelFolder.Open(folder);
        scenario.AssertFolderMatchesHub(folder);
    }

    [Fact]
    public async Task Offline_with_part_cached_lists_only_what_is_missing_or_damaged()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.EnsureAsync();
        File.Delete(scenario.CachedPath(ProvisioningScenario.ConfigFile));
        using (var stream = new FileStream(scenario.CachedPath(ProvisioningScenario.DecoderFile), FileMode.Open)) stream.SetLength(10);
        await scenario.Hub.StopAsync();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => scenario.EnsureAsync());

        Assert.Equal([ProvisioningScenario.ConfigFile, ProvisioningScenario.DecoderFile], error.MissingFiles.Select(f => f.RelativePath));
        Assert.Equal("missing", error.MissingFiles[0].Reason);
        Assert.Contains("10 bytes cached", error.MissingFiles[1].Reason);
        Assert.Contains("10 bytes cached", error.Message);
    }

    [Fact]
    public async Task A_hub_answering_503_counts_as_unreachable()
    {
        await using var scenario = ProvisioningScenario.Start();
        scenario.Hub.RespondWith(ProvisioningScenario.ConfigFile, 503);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => scenario.EnsureAsync());

        Assert.Contains("503", error.Message);
        Assert.Equal(ModelFileSet.For(ModelPrecision.Fp32).Count, error.MissingFiles.Count);
    }
}
