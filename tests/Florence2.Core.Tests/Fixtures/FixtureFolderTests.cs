using System.Text.Json.Nodes;
using Florence2.Fixtures;
using Florence2.Fixtures.Assets;

namespace Florence2.Tests.Fixtures;

/// <summary>The written folder has the onnx-community layout with the fixture's dims in config.json.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class FixtureFolderTests(TinyModelsFixture models)
{
    private static readonly string[] CopiedFiles =
    [
        "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
        "vocab.json", "merges.txt", "added_tokens.json", "special_tokens_map.json",
    ];

    [Fact]
    public void ConfigJson_IsPatchedToTheFixtureDims()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(models.TinyDirectory, "config.json")))!;
        var text = config["text_config"]!;

        Assert.Equal(16, (int)text["d_model"]!);
        Assert.Equal(1, (int)text["encoder_layers"]!);
        Assert.Equal(2, (int)text["decoder_layers"]!);
        Assert.Equal(2, (int)text["encoder_attention_heads"]!);
        Assert.Equal(2, (int)text["decoder_attention_heads"]!);
        Assert.Equal(32, (int)text["encoder_ffn_dim"]!);
        Assert.Equal(32, (int)text["decoder_ffn_dim"]!);
        Assert.Equal(1024, (int)text["max_position_embeddings"]!);
        Assert.Equal(51289, (int)text["vocab_size"]!);
        Assert.Equal(16, (int)config["projection_dim"]!);
        Assert.Equal(16, (int)config["vision_config"]!["projection_dim"]!);
        Assert.Equal(577, (int)config["num_image_tokens"]!);
        Assert.Equal(51289, (int)config["vocab_size"]!);
        Assert.Equal("florence2", (string)config["model_type"]!);
    }

    [Fact]
    public void TokenizerAndProcessorFiles_AreCopiedByteIdentical()
    {
        var assets = FixtureAssetsLocator.Resolve();
        foreach (var file in CopiedFiles)
            Assert.Equal(File.ReadAllBytes(Path.Combine(assets, file)), File.ReadAllBytes(Path.Combine(models.TinyDirectory, file)));
    }

    [Fact]
    public void OnnxFolder_HoldsTheFourModels()
    {
        string[] expected = ["decoder_model_merged.onnx", "embed_tokens.onnx", "encoder_model.onnx", "vision_encoder.onnx"];
        var actual = Directory.GetFiles(Path.Combine(models.TinyDirectory, "onnx")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Writing_IsDeterministic()
    {
        var again = Path.Combine(models.Root, "tiny-again");
        FixtureModelWriter.Write(FixtureModelSpec.Tiny, again);
        foreach (var file in new[] { "decoder_model_merged.onnx", "vision_encoder.onnx" })
            Assert.Equal(File.ReadAllBytes(TinyModelsFixture.ModelPath(models.TinyDirectory, file)), File.ReadAllBytes(TinyModelsFixture.ModelPath(again, file)));
    }

    [Fact]
    public void MissingAssetsFolder_ThrowsNamingPathAndVariable()
    {
        var missing = Path.Combine(models.Root, "no-such-assets");
        var error = Assert.Throws<DirectoryNotFoundException>(() => FixtureModelWriter.Write(FixtureModelSpec.Tiny, Path.Combine(models.Root, "unused"), missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("FLORENCE2_ASSETS", error.Message);
    }

    [Fact]
    public void Cache_WritesOnceAndReusesTheFolder()
    {
        var root = Path.Combine(models.Root, "cache");
        var first = FixtureModelCache.GetOrCreate(FixtureModelSpec.Tiny, root);
        var stamp = File.GetLastWriteTimeUtc(TinyModelsFixture.ModelPath(first, "decoder_model_merged.onnx"));
        var second = FixtureModelCache.GetOrCreate(FixtureModelSpec.Tiny, root);
        var scripted = FixtureModelCache.GetOrCreate(FixtureModelSpec.Scripted([0, 5]), root);

        Assert.Equal(first, second);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(TinyModelsFixture.ModelPath(second, "decoder_model_merged.onnx")));
        Assert.StartsWith("tiny-", Path.GetFileName(first));
        Assert.NotEqual(first, scripted);
        // Only the two final folders remain: no temporary folders left behind.
        string[] expected = [Path.GetFileName(first), Path.GetFileName(scripted)];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Directory.GetDirectories(root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Cache_ConcurrentCallersAllGetOneCompleteFolder()
    {
        var root = Path.Combine(models.Root, "cache-race");
        var spec = FixtureModelSpec.Scripted([0, 7, 7]);
        var folders = new string[4];
        Parallel.For(0, folders.Length, i => folders[i] = FixtureModelCache.GetOrCreate(spec, root));

        Assert.Single(folders.Distinct());
        Assert.Single(Directory.GetDirectories(root));
        Assert.True(File.Exists(TinyModelsFixture.ModelPath(folders[0], "decoder_model_merged.onnx")));
        Assert.True(File.Exists(Path.Combine(folders[0], "tokenizer.json")));
    }
}
