using Florence2.Fixtures;

namespace Florence2.Tests.Fixtures;

public sealed class FixtureModelSpecTests
{
    [Fact]
    public void Base_HasFlorence2BaseDimensions()
    {
        var spec = FixtureModelSpec.Base;
        Assert.Equal((768, 6, 6, 12, 12, 3072, 3072, 1024), (spec.DModel, spec.EncoderLayers, spec.DecoderLayers,
            spec.EncoderAttentionHeads, spec.DecoderAttentionHeads, spec.EncoderFfnDim, spec.DecoderFfnDim, spec.MaxPositionEmbeddings));
        Assert.Equal(64, spec.DecoderHeadDim);
        Assert.Equal([128, 256, 512, 1024], spec.Vision.StageChannels);
        Assert.Equal([1, 1, 9, 1], spec.Vision.StageDepths);
        spec.Validate();
    }

    [Fact]
    public void Fingerprint_DependsOnContentNotIdentity()
    {
        Assert.Equal(FixtureModelSpec.Scripted([0, 5, 6]).Fingerprint, FixtureModelSpec.Scripted(new List<int> { 0, 5, 6 }).Fingerprint);
        Assert.NotEqual(FixtureModelSpec.Scripted([0, 5, 6]).Fingerprint, FixtureModelSpec.Scripted([0, 5, 7]).Fingerprint);
        Assert.NotEqual(FixtureModelSpec.Tiny.Fingerprint, (FixtureModelSpec.Tiny with { Seed = 1 }).Fingerprint);
    }

    [Fact]
    public void Scripted_RejectsIdsOutsideTheVocabulary()
    {
        Assert.Throws<ArgumentException>(() => FixtureModelSpec.Scripted([0, 51289]));
        Assert.Throws<ArgumentException>(() => FixtureModelSpec.Scripted([-1]));
    }

    [Fact]
    public void Validate_RejectsAVisionStrideOtherThan32()
    {
        var spec = FixtureModelSpec.Tiny with { Vision = FixtureModelSpec.Tiny.Vision with { StemStride = 16, StemKernel = 16 } };
        Assert.Throws<ArgumentException>(spec.Validate);
    }
}
