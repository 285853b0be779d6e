namespace Florence2.Fixtures.Onnx;

/// <summary>How an initializer's values are drawn.</summary>
internal abstract record WeightInit
{
    /// <summary>Uniform in [−limit, limit).</summary>
    public sealed record Uniform(float Limit) : WeightInit;

    /// <summary>
    /// Uniform draws, then each row (last dimension) rescaled to exactly <paramref name="Norm"/>: a table whose rows
    /// differ in direction only, so no row wins a dot-product argmax just by being longer.
    /// </summary>
    public sealed record EqualNormRows(float Norm) : WeightInit;

    /// <summary>Every element equal (LayerNorm scale 1, bias 0).</summary>
    public sealed record Constant(float Value) : WeightInit;

    /// <summary>Glorot/Xavier: keeps the variance of linear-layer activations ~ constant.</summary>
    public static WeightInit Xavier(int fanIn, int fanOut, float gain = 1f) => new Uniform(gain * MathF.Sqrt(6f / (fanIn + fanOut)));

    /// <summary>He/Kaiming: keeps the variance constant through conv + ReLU stacks.</summary>
    public static WeightInit He(int fanIn) => new Uniform(MathF.Sqrt(6f / fanIn));

    /// <summary>Uniform with the given standard deviation.</summary>
    public static WeightInit UniformWithStd(float std) => new Uniform(std * MathF.Sqrt(3f));

    public static WeightInit Ones { get; } = new Constant(1f);
    public static WeightInit Zeros { get; } = new Constant(0f);
}
