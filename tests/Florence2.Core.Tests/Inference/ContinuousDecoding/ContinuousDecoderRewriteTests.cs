using Florence2.Inference.ContinuousDecoding;
using Florence2.Tests.Fixtures;
using Google.Protobuf;
using Onnx;

namespace Florence2.Tests.Inference.ContinuousDecoding;

/// <summary>The rewrite on small hand-built merged decoders: what it finds, what it refuses, and that the result computes the right thing.</summary>
public sealed class ContinuousDecoderRewriteTests
{
    [Theory]
    [InlineData(ScoreLayout.Rank4)]
    [InlineData(ScoreLayout.Rank3)]
    public void EachRowAttendsOnlyToItsOwnHistory_AtItsOwnPosition(ScoreLayout layout)
    {
        var spec = new HandBuiltDecoder { Layout = layout };
        using var original = new OrtModel(spec.Build().ToByteArray());
        using var rewritten = new OrtModel(Rewritten(spec).ToByteArray());
        var step = HandBuiltStep.Random(seed: 1, spec.Layers, 4, 4);

        // Row 0's real history is its last 2 cache entries (a gap of 2 before them); row 1 uses all 4.
        float[] bias = [.. PastAxis.GapBias(2, 5), .. PastAxis.GapBias(0, 5)];
        var logits = step.Run(rewritten, positionIds: [2, 4], bias);

        var alone = step.Row(0, from: 2).Run(original);
        Assert.True(FloatTensor.MaxAbsDifference(alone, Row(logits, 0)) < 1e-5, "row 0 differs from running its own history alone");
        Assert.True(FloatTensor.MaxAbsDifference(step.Row(1).Run(original), Row(logits, 1)) < 1e-5, "row 1 differs from running alone");

        // The comparison can fail: without the mask the gap changes row 0.
        var unmasked = step.Run(rewritten, positionIds: [2, 4], bias: new float[10]);
        Assert.True(FloatTensor.MaxAbsDifference(alone, Row(unmasked, 0)) > 1e-3);
    }

    [Theory]
    [InlineData(PositionChain.Bart)]
    [InlineData(PositionChain.SplitOffset)]
    [InlineData(PositionChain.FoldedIntoRange)]
    public void PositionOffsetAddedOnTheWayFromTheRange_IsKept(PositionChain chain)
    {
        var spec = new HandBuiltDecoder { Positions = chain };
        using var original = new OrtModel(spec.Build().ToByteArray());
        using var rewritten = new OrtModel(Rewritten(spec).ToByteArray());
        var step = HandBuiltStep.Random(seed: 2, spec.Layers, 3, 3);

        var expected = step.Run(original);
        Assert.Equal(expected, step.Run(rewritten, positionIds: [3, 3], bias: new float[8]));
        // The fed positions are what the table is read at.
        Assert.True(FloatTensor.MaxAbsDifference(expected, step.Run(rewritten, positionIds: [2, 3], bias: new float[8])) > 1e-3);
    }

    [Fact]
    public void Rewrite_DeclaresTheTwoInputs_KeepsNamesUnique_AndLeavesTheNoPastBranchAlone()
    {
        var spec = new HandBuiltDecoder();
        var model = spec.Build();
        var noPastBefore = ElseBranch(model).Clone();

        Assert.True(ContinuousDecoderRewrite.TryRewrite(model, spec.Layers, out var reason), reason);
        Assert.Equal("", reason);

        var inputs = model.Graph.Input.ToDictionary(i => i.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Int64, inputs[ContinuousDecoderInputs.PositionIds].Type.TensorType.ElemType);
        Assert.Equal(2, inputs[ContinuousDecoderInputs.PositionIds].Type.TensorType.Shape.Dim.Count);
        Assert.Equal((int)TensorProto.Types.DataType.Float, inputs[ContinuousDecoderInputs.SelfAttentionBias].Type.TensorType.ElemType);
        Assert.Equal(2, inputs[ContinuousDecoderInputs.SelfAttentionBias].Type.TensorType.Shape.Dim.Count);
        Assert.Equal(noPastBefore, ElseBranch(model));

        var nodes = model.Graph.Node.Concat(model.Graph.Node[0].Attribute.SelectMany(a => a.G.Node)).ToList();
        Assert.Equal(nodes.Count, nodes.Select(n => n.Name).Distinct().Count());
        Assert.Equal(nodes.Count(n => n.Output.Count > 0), nodes.SelectMany(n => n.Output).Distinct().Count());
        Assert.Contains(nodes, n => n.Name.StartsWith("florence2_continuous/", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingPositionTable_IsRefused() =>
        AssertRefused(new HandBuiltDecoder { Positions = PositionChain.NoTable }, 2,
            "no Gather reads a [max_position_embeddings+2, d_model] table in the with-past branch");

    [Fact]
    public void TableIndexedByAnythingButARange_IsRefused() =>
        AssertRefused(new HandBuiltDecoder { Positions = PositionChain.NotFromRange }, 2, "not from a Range");

    [Fact]
    public void RangeStartShiftedFromAnythingButThePastLength_IsRefused() =>
        AssertRefused(new HandBuiltDecoder { Positions = PositionChain.ShiftedFromNotThePast }, 2, "not recognised as the past length");

    [Fact]
    public void FusedAttention_IsRefusedByName() =>
        AssertRefused(new HandBuiltDecoder { FusedSelfAttention = true }, 2, "com.microsoft.MultiHeadAttention");

    [Fact]
    public void FewerLayersInTheGraphThanExpected_IsRefused() =>
        AssertRefused(new HandBuiltDecoder { Layers = 2 }, 3, "past_key_values.2.decoder.key");

    [Fact]
    public void MoreLayersInTheGraphThanExpected_IsRefused() =>
        AssertRefused(new HandBuiltDecoder { Layers = 2 }, 1, "more than the expected 1 layers");

    [Fact]
    public void OpsetBefore13_IsRefused() =>
        AssertRefused(new HandBuiltDecoder { Opset = 12 }, 2, "opset 12");

    private static void AssertRefused(HandBuiltDecoder spec, int layers, string because)
    {
        Assert.False(ContinuousDecoderRewrite.TryRewrite(spec.Build(), layers, out var reason));
        Assert.Contains(because, reason, StringComparison.Ordinal);
    }

    private static ModelProto Rewritten(HandBuiltDecoder spec)
    {
        var model = spec.Build();
        Assert.True(ContinuousDecoderRewrite.TryRewrite(model, spec.Layers, out var reason), reason);
        return model;
    }

    private static GraphProto ElseBranch(ModelProto model) => model.Graph.Node.Single(n => n.OpType == "If").Attribute.Single(a => a.Name == "else_branch").G;

    private static float[] Row(float[] logits, int row) => logits.AsSpan(row * HandBuiltDecoder.DModel, HandBuiltDecoder.DModel).ToArray();
}
