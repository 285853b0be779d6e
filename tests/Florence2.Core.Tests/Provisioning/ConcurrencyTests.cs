using Florence2.Models;
using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(false)] // two replicas: separate provisioners and HttpClients
    [InlineData(true)] // one provisioner called twice at once
    public async Task Concurrent_calls_sharing_one_cache_download_each_file_once_and_all_get_a_valid_folder(bool sameProvisioner)
    {
        await using var scenario = ProvisioningScenario.Start();
        var first = scenario.Provisioner();
        var second = sameProvisioner ? first : scenario.Provisioner();

        string[] folders = await Task.WhenAll(
            Task.Run(() => first.EnsureModelAsync(scenario.Options())),
            Task.Run(() => second.EnsureModelAsync(scenario.Options()))).WaitAsync(Eventually.DefaultLimit);

        Assert.All(folders, folder => Assert.Equal(scenario.ExpectedFolder, folder));
        Assert.All(scenario.Hub.Paths, path => Assert.Single(scenario.Hub.TransfersOf(path)));
        ModelFolder.Open(folders[0]);
        scenario.AssertFolderMatchesHub(folders[0]);
    }

    [Fact]
    public async Task A_provisioner_waits_while_another_process_holds_the_folder_lock_then_proceeds()
    {
        await using var scenario = ProvisioningScenario.Start();
        Directory.CreateDirectory(scenario.ExpectedFolder);
        // Stands in for another replica mid-download: the same kind of exclusive handle the provisioner takes.
        var otherProcess = new FileStream(Path.Combine(scenario.ExpectedFolder, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var provisioning = scenario.Provisioner().EnsureModelAsync(scenario.Options());
        await Eventually.TrueAsync(() => scenario.Log.WithEvent(ProvisioningEvents.WaitingForLock).Count > 0, "the wait for the lock logged");
        Assert.False(provisioning.IsCompleted);
        Assert.Empty(scenario.Hub.Requests);

        await otherProcess.DisposeAsync();
        string folder = await provisioning.WaitAsync(Eventually.DefaultLimit);

        Assert.Contains("waiting for another process", scenario.Log.WithEvent(ProvisioningEvents.WaitingForLock)[0].Message,
            StringComparison.OrdinalIgnoreCase);
        scenario.AssertFolderMatchesHub(folder);
    }
}
