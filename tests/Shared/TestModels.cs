using Florence2.Fixtures;

namespace Florence2.Tests;

/// <summary>Fixture model folders written once per machine into the temp folder (never into the repository).</summary>
public static class TestModels
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "florence2-test-models");

    public static string Tiny => FixtureModelCache.GetOrCreate(FixtureModelSpec.Tiny, Root, TestAssets.Directory);

    /// <summary>The tiny model with a decoder the continuous-batching rewrite cannot handle (<see cref="FixtureModelSpec.OpaquePositions"/>).</summary>
    public static string TinyOpaquePositions =>
        FixtureModelCache.GetOrCreate(FixtureModelSpec.Tiny with { Name = "tiny-opaque-positions", OpaquePositions = true }, Root, TestAssets.Directory);

    public static string Scripted(IReadOnlyList<int> script) =>
        FixtureModelCache.GetOrCreate(FixtureModelSpec.Scripted(script), Root, TestAssets.Directory);

    /// <summary>The tiny model with every weight variant the hub ships (fp16, q8, int8, uint8, q4, q4f16, bnb4) beside fp32.</summary>
    public static string TinyWithVariants =>
        FixtureModelCache.GetOrCreate(FixtureModelSpec.Tiny.WithAllVariants(), Root, TestAssets.Directory);

    /// <summary>The folder of any fixture spec (written on first use).</summary>
    public static string Of(FixtureModelSpec spec) => FixtureModelCache.GetOrCreate(spec, Root, TestAssets.Directory);

    public static string ScriptedWithVariants(IReadOnlyList<int> script) =>
        FixtureModelCache.GetOrCreate(FixtureModelSpec.Scripted(script).WithAllVariants(), Root, TestAssets.Directory);
}
