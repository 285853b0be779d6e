using Florence2.Models;
using Florence2.Provisioning;

namespace Florence2.Tests.Provisioning;

public sealed class CleanDownloadTests
{
    [Fact]
    public async Task A_clean_download_gives_a_folder_ModelFolder_opens_byte_identical_to_the_hub()
    {
        await using var scenario = ProvisioningScenario.Start();

        string folder = await scenario.EnsureAsync();

        Assert.Equal(scenario.ExpectedFolder, folder);
        var opened = ModelFolder.Open(folder);
        Assert.Equal(folder, opened.Root);
        scenario.AssertFolderMatchesHub(folder);
        Assert.Empty(Directory.EnumerateFiles(folder, "*.partial", SearchOption.AllDirectories));
        // Every file transferred once; the .onnx ones through the hub's redirect to the CDN.
        Assert.All(scenario.Hub.Paths, path => Assert.Single(scenario.Hub.TransfersOf(path)));
        Assert.All(scenario.Hub.TransfersOf(ProvisioningScenario.DecoderFile), r => Assert.True(r.Cdn));
        Assert.True(File.Exists(Path.Combine(folder, ".florence2-manifest.json")));
    }

    [Fact]
    public async Task A_second_call_on_a_complete_cache_makes_no_request()
    {
        await using var scenario = ProvisioningScenario.Start();
        await scenario.EnsureAsync();
        int requestsAfterFirst = scenario.Hub.Requests.Count;

        string folder = await scenario.EnsureAsync();

        Assert.Equal(requestsAfterFirst, scenario.Hub.Requests.Count);
        Assert.Single(scenario.Log.WithEvent(ProvisioningEvents.CacheComplete));
        ModelFolder.Open(folder);
    }

    [Fact]
    public async Task The_dtype_decides_which_onnx_files_are_fetched()
    {
        await using var scenario = ProvisioningScenario.Start();
        // The hub of a real export holds every variant; here the q4 decoder is the fp32 bytes under the q4 name.
        scenario.Hub.Add("onnx/decoder_model_merged_q4.onnx", scenario.Hub.ContentOf(ProvisioningScenario.DecoderFile));
        const string dtype = "fp32;decoder_model_merged=q4";

        string folder = await scenario.EnsureAsync(scenario.Options(dtype));

        Assert.True(File.Exists(Path.Combine(folder, "onnx", "decoder_model_merged_q4.onnx")));
        Assert.False(File.Exists(Path.Combine(folder, "onnx", "decoder_model_merged.onnx")));
        Assert.Empty(scenario.Hub.TransfersOf(ProvisioningScenario.DecoderFile));
        ModelFolder.Open(folder, ModelPrecision.Parse(dtype));
    }

    [Fact]
    public async Task The_token_goes_to_the_hub_as_a_bearer_never_to_the_CDN_and_never_into_the_log()
    {
        await using var scenario = ProvisioningScenario.Start();
        const string token = "hf_secret_test_token";
        scenario.Hub.RequiredToken = token;
        var options = scenario.Options();
        options.Token = token;

        await scenario.EnsureAsync(options);

        var requests = scenario.Hub.Requests;
        Assert.All(requests.Where(r => !r.Cdn), r => Assert.Equal($"Bearer {token}", r.Authorization));
        Assert.Contains(requests, r => r.Cdn);
        Assert.All(requests.Where(r => r.Cdn), r => Assert.Null(r.Authorization));
        Assert.DoesNotContain(token, scenario.Log.AllText);
    }

    [Fact]
    public void The_file_list_comes_from_ModelPrecision_and_covers_what_ModelFolder_requires()
    {
        var files = ModelFileSet.For(ModelPrecision.Parse("fp16"));

        Assert.Contains("onnx/vision_encoder_fp16.onnx", files);
        Assert.Contains("onnx/embed_tokens_fp16.onnx", files);
        Assert.Contains("onnx/encoder_model_fp16.onnx", files);
        Assert.Contains("onnx/decoder_model_merged_fp16.onnx", files);
        Assert.Equal(ModelFileSet.TopLevelFiles.Count + ModelComponentNames.All.Count, files.Count);
        foreach (string required in new[] { "config.json", "preprocessor_config.json", "vocab.json", "merges.txt", "added_tokens.json" })
            Assert.Contains(required, files);
    }

    [Fact]
    public void Cache_folder_and_urls_follow_the_hub_layout()
    {
        var options = new ModelSourceOptions
        {
            Repository = "onnx-community/Florence-2-base-ft", Revision = "refs/pr/1", HubUrl = "https://hub.example/", CacheDir = "/cache",
        };

        Assert.Equal(Path.GetFullPath("/cache/onnx-community--Florence-2-base-ft/refs--pr--1"), ModelCacheFolder.For(options));
        Assert.Equal("https://hub.example/onnx-community/Florence-2-base-ft/resolve/refs%2Fpr%2F1/onnx/encoder_model.onnx",
            HubFileUrl.For(options, "onnx/encoder_model.onnx").AbsoluteUri);
    }

    [Fact]
    public void Invalid_options_are_refused_with_one_message_each()
    {
        var options = new ModelSourceOptions { Repository = "no-slash", HubUrl = "ftp://x", Dtype = "fp7", DownloadTimeoutSeconds = 0 };

        var errors = options.Validate();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("Repository", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("HubUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("fp7", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("DownloadTimeoutSeconds", StringComparison.Ordinal));
        Assert.Empty(new ModelSourceOptions().Validate());
    }
}
