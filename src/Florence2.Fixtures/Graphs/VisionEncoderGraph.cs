using Florence2.Fixtures.Onnx;
using static Florence2.Fixtures.Graphs.SymbolicDims;

namespace Florence2.Fixtures.Graphs;

/// <summary>
/// vision_encoder.onnx: a conv stack to a 24×24 grid, then [spatial mean; grid tokens] like DaViT's
/// spatial_avg_pool + temporal_avg_pool, projected to D and layer-normed.
/// </summary>
internal static class VisionEncoderGraph
{
    public static void Build(GraphBuilder g, FixtureModelSpec spec)
    {
        var vision = spec.Vision;
        var x = g.Input(TensorNames.PixelValues, ElementType.Float, Batch, 3, Height, Width);

        var channels = vision.StageChannels[0];
        x = ConvRelu(g, x, "vision_tower.stem", 3, channels, vision.StemKernel, vision.StemStride, vision.StemPadding);
        for (var stage = 0; stage < vision.StageChannels.Count; stage++)
        {
            var stageChannels = vision.StageChannels[stage];
            var stageName = $"vision_tower.stages.{stage}";
            if (stage > 0)
            {
                x = ConvRelu(g, x, stageName + ".downsample", channels, stageChannels, kernel: 3, stride: 2, padding: 1);
                channels = stageChannels;
            }
            for (var block = 0; block < vision.StageDepths[stage]; block++)
                x = ConvRelu(g, x, $"{stageName}.blocks.{block}", channels, channels, kernel: 3, stride: 1, padding: 1);
        }

        // [B, C, h, w] → [B, h·w, C], row-major over the grid.
        var grid = g.Transpose(g.Reshape(x, g.Int64s(0, channels, -1)), 0, 2, 1);
        var tokens = g.Concat(1, g.ReduceMean(grid, axis: 1), grid);

        var blocks = new TransformerBlocks(g, spec.DModel, heads: 1);
        var projected = blocks.Linear(tokens, "image_projection", channels, spec.DModel);
        g.Node("Identity", [blocks.LayerNorm(projected, "image_proj_norm")], [TensorNames.ImageFeatures]);
        g.Output(TensorNames.ImageFeatures, ElementType.Float, Batch, spec.NumImageTokens, spec.DModel);
    }

    private static string ConvRelu(GraphBuilder g, string x, string name, int inChannels, int outChannels, int kernel, int stride, int padding)
    {
        var weight = g.Weight(name + ".weight", [outChannels, inChannels, kernel, kernel], WeightInit.He(inChannels * kernel * kernel));
        var bias = g.Weight(name + ".bias", [outChannels], WeightInit.UniformWithStd(0.02f));
        return g.Relu(g.Conv(x, weight, bias, kernel, stride, padding));
    }
}
