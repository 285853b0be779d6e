using Florence2.Fixtures.Assets;
using Florence2.Fixtures.Graphs;
using Florence2.Fixtures.Onnx;
using Florence2.Fixtures.Quantization;

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
    /// Writes config/tokenizer files and the four ONNX models into <paramref name="outputDirectory"/>, each also in
    /// every variant of <see cref="FixtureModelSpec.Variants"/> (<c>encoder_model_q4.onnx</c>, …).
    /// Models are built and written one at a time so only one model's weights (and one variant's) are in memory.
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

        WriteModel(spec, onnxDirectory, "vision_encoder", VisionEncoderGraph.Build);
        WriteModel(spec, onnxDirectory, "embed_tokens", EmbedTokensGraph.Build);
        WriteModel(spec, onnxDirectory, "encoder_model", TextEncoderGraph.Build);
        WriteModel(spec, onnxDirectory, "decoder_model_merged", MergedDecoderGraph.Build);
    }

    /// <summary>Builds <c>{graphName}.onnx</c>, writes it, then derives and writes each variant from it.</summary>
    private static void WriteModel(FixtureModelSpec spec, string onnxDirectory, string graphName, Action<GraphBuilder, FixtureModelSpec> build)
    {
        var scope = new ModelScope(spec.Seed);
        build(GraphBuilder.ForMainGraph(scope, graphName), spec);
        var model = OnnxModelFile.Create(scope);
        OnnxModelFile.Write(model, Path.Combine(onnxDirectory, graphName + ".onnx"));
        foreach (var variant in spec.Variants)
            OnnxModelFile.Write(WeightVariants.Convert(model, variant), Path.Combine(onnxDirectory, WeightVariants.FileName(graphName, variant)));
    }
}
