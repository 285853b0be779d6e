using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

/// <summary>
/// A fake hub serving the tiny fixture model, an empty cache folder in the temp directory, and a capturing logger;
/// disposing stops the hub and deletes the cache.
/// </summary>
internal sealed class ProvisioningScenario : IAsyncDisposable
{
    public const string DecoderFile = "onnx/decoder_model_merged.onnx";
    public const string ConfigFile = "config.json";

    private readonly List<HttpClient> _clients = [];

    private ProvisioningScenario(FakeHub hub)
    {
        Hub = hub;
        CacheDir = Path.Combine(Path.GetTempPath(), "florence2-provisioning-tests", Guid.NewGuid().ToString("N"));
    }

    public FakeHub Hub { get; }

    public string CacheDir { get; }

    public CapturingLogger Log { get; } = new();

    /// <summary>Where the provisioner must put the model: {CacheDir}/{owner}--{name}/{revision}.</summary>
    public string ExpectedFolder => Path.Combine(CacheDir, "test-org--florence-tiny", "main");

    public static ProvisioningScenario Start() => new(FakeHub.Serving(TestModels.Tiny));

    public ModelSourceOptions Options(string dtype = "fp32") => new()
    {
        Repository = Hub.Repository,
        Revision = Hub.Revision,
        HubUrl = Hub.BaseUrl,
        CacheDir = CacheDir,
        Dtype = dtype,
        DownloadTimeoutSeconds = 30,
    };

    /// <summary>A provisioner with its own HttpClient (as a separate replica would have).</summary>
    public ModelProvisioner Provisioner(TimeProvider? time = null)
    {
        var client = ModelProvisioner.CreateHubHttpClient();
        _clients.Add(client);
        return new ModelProvisioner(client, Log, time);
    }

    public Task<string> EnsureAsync(ModelSourceOptions? options = null) =>
        Provisioner().EnsureModelAsync(options ?? Options()).WaitAsync(TimeSpan.FromSeconds(60));

    public string CachedPath(string relativePath) => Path.Combine(ExpectedFolder, relativePath);

    /// <summary>Asserts that every file the hub serves for fp32 is in the folder, byte for byte.</summary>
    public void AssertFolderMatchesHub(string folder)
    {
        foreach (string path in Hub.Paths)
            Assert.True(Hub.ContentOf(path).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, path))), $"{path} differs");
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        foreach (var client in _clients) client.Dispose();
        if (Directory.Exists(CacheDir)) Directory.Delete(CacheDir, recursive: true);
    }
}
