using Florence2.Fixtures.Assets;
using Florence2.Fixtures.Graphs;
using Florence2.Fixtures.Onnx;

namespace Florence2.Fixtures;

/// <summary>Writes a Florence-2-shaped model folder (onnx-community layout) with random weights.</summary>
public static class FixtureModelWriter
{
    public const string OnnxFolder = "onnx";
    public const string VisionEncoderFile = "vision_encoder.onnx";
    public const string EmbedTokensFile = "embed_tokens.onnx";
    public const string EncoderFile = "encoder_model.onnx";
    public const string DecoderMergedFile = "decoder_model_merged.onnx";

    /// <summary>
    /// Writes config/tokenizer files and the four ONNX models into <paramref name="outputDirectory"/>.
    /// Models are built and written one at a time so only one model's weights are in memory.
    /// </summary>
    /// <param name="assetsDirectory">Real Florence-2 config/tokenizer files; see <see cref="FixtureAssetsLocator.Resolve"/>.</param>
    public static void Write(FixtureModelSpec spec, string outputDirectory, string? assetsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var assets = FixtureAssetsLocator.Resolve(assetsDirectory);

        var onnxDirectory = Path.Combine(outputDirectory, OnnxFolder);
        Directory.CreateDirectory(onnxDirectory);
        FixtureConfigFiles.Write(spec, assets, outputDirectory);

        WriteModel(spec, Path.Combine(onnxDirectory, VisionEncoderFile), "vision_encoder", VisionEncoderGraph.Build);
        WriteModel(spec, Path.Combine(onnxDirectory, EmbedTokensFile), "embed_tokens", EmbedTokensGraph.Build);
        WriteModel(spec, Path.Combine(onnxDirectory, EncoderFile), "encoder_model", TextEncoderGraph.Build);
        WriteModel(spec, Path.Combine(onnxDirectory, DecoderMergedFile), "decoder_model_merged", MergedDecoderGraph.Build);
    }

    private static void WriteModel(FixtureModelSpec spec, string path, string graphName, Action<GraphBuilder, FixtureModelSpec> build)
    {
        var scope = new ModelScope(spec.Seed);
        build(GraphBuilder.ForMainGraph(scope, graphName), spec);
        OnnxModelFile.Write(scope, path);
    }
}
