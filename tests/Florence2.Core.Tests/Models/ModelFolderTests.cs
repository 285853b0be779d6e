using System.Text.Json.Nodes;
using Florence2.Inference;
using Florence2.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Models;

public sealed class ModelFolderTests
{
    [Fact]
    public void Opens_the_tiny_fixture_and_reads_its_config()
    {
        var folder = ModelFolder.Open(TestModels.Tiny);
        var config = folder.Config;
        Assert.Equal(16, config.DModel);
        Assert.Equal(2, config.DecoderLayers);
        Assert.Equal(51289, config.VocabSize);
        Assert.Equal(1024, config.MaxPositionEmbeddings);
        Assert.Equal((768, 768), config.ImageSize);
        Assert.Equal(577, config.ImageTokens);
        // generation_config.json on top of config.json (transformers.js layering).
        Assert.Equal(3, config.GenerationDefaults.NumBeams);
        Assert.Equal(3, config.GenerationDefaults.NoRepeatNgramSize);
        Assert.True(config.GenerationDefaults.EarlyStopping);
        Assert.Equal(new Florence2.Generation.SpecialTokenIds(2, 0, 2, 1, 0, 2), config.Tokens);
    }

    [Fact]
    public void A_missing_onnx_file_is_named_with_its_component_and_dtype()
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelFolder.Open(TestModels.Tiny, ModelPrecision.Parse("fp32;decoder_model_merged=q4")));
        Assert.Contains("onnx/decoder_model_merged_q4.onnx", ex.Message);
        Assert.Contains("q4", ex.Message);
        Assert.EndsWith("decoder_model_merged_q4.onnx", ex.Path);
    }

    [Fact]
    public void A_missing_folder_or_config_file_is_named()
    {
        string empty = Directory.CreateTempSubdirectory().FullName;
        var noFolder = Assert.Throws<ModelLoadException>(() => ModelFolder.Open(Path.Combine(empty, "absent")));
        Assert.Contains("does not exist", noFolder.Message);
        var noConfig = Assert.Throws<ModelLoadException>(() => ModelFolder.Open(empty));
        Assert.Contains("config.json", noConfig.Message);
    }

    [Fact]
    public void Graphs_that_disagree_with_config_json_are_refused_naming_the_key()
    {
        string copy = CopyOfTiny();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "config.json")))!.AsObject();
        config["text_config"]!["decoder_layers"] = 3;
        File.WriteAllText(Path.Combine(copy, "config.json"), config.ToJsonString());

        var ex = Assert.Throws<ModelLoadException>(() =>
            Florence2EnginePool.Create(ModelFolder.Open(copy), new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance));
        Assert.Contains("decoder_layers = 3", ex.Message);
        Assert.Contains("decoder_model_merged.onnx", ex.Message);
    }

    [Fact]
    public void A_config_without_a_required_key_is_refused()
    {
        string copy = CopyOfTiny();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "config.json")))!.AsObject();
        config["text_config"]!.AsObject().Remove("d_model");
        File.WriteAllText(Path.Combine(copy, "config.json"), config.ToJsonString());

        var ex = Assert.Throws<ModelLoadException>(() => ModelFolder.Open(copy));
        Assert.Contains("d_model", ex.Message);
    }

    [Theory]
    [InlineData("fp32", "vision_encoder.onnx", "decoder_model_merged.onnx")]
    [InlineData("fp16", "vision_encoder_fp16.onnx", "decoder_model_merged_fp16.onnx")]
    [InlineData("fp16;decoder_model_merged=q4", "vision_encoder_fp16.onnx", "decoder_model_merged_q4.onnx")]
    [InlineData("q8, vision_encoder = fp32", "vision_encoder.onnx", "decoder_model_merged_quantized.onnx")]
    public void Precision_picks_the_file_per_component(string spec, string vision, string decoder)
    {
        var precision = ModelPrecision.Parse(spec);
        Assert.Equal(vision, precision.FileNameOf(ModelComponent.VisionEncoder));
        Assert.Equal(decoder, precision.FileNameOf(ModelComponent.DecoderMerged));
    }

    [Theory]
    [InlineData("fp64", "Known: fp32, fp16")]
    [InlineData("decoder=q4", "Components: vision_encoder, embed_tokens, encoder_model, decoder_model_merged")]
    public void Unknown_dtypes_and_components_are_refused_with_the_accepted_values(string spec, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ModelPrecision.Parse(spec));
        Assert.Contains(expected, ex.Message);
    }

    private static string CopyOfTiny()
    {
        string source = TestModels.Tiny;
        string copy = Directory.CreateTempSubdirectory("florence2-copy-").FullName;
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }
}
