using Florence2.Generation;

namespace Florence2.Tests.Generation;

public sealed class LogSoftmaxTests
{
    [Fact]
    public void ProbabilitiesSumToOne_AndLargeLogitsDoNotOverflow()
    {
        float[] logits = [1000f, 1001f, 999f, float.NegativeInfinity];
        var logp = new float[logits.Length];
        LogSoftmax.Compute(logits, logp);

        // log_softmax(1001) = −log(1 + e^−1 + e^−2) = −0.40761
        Assert.Equal(-0.40761, logp[1], 4);
        Assert.Equal(1.0, logp.Sum(x => Math.Exp(x)), 5);
        Assert.True(float.IsNegativeInfinity(logp[3]));
    }

    [Theory]
    [InlineData(51289)] // Florence-2 vocabulary: SIMD body plus a scalar tail
    [InlineData(37)]
    public void MatchesDoublePrecisionReference(int length)
    {
        var random = new Random(length);
        var logits = new float[length];
        for (int i = 0; i < length; i++)
            logits[i] = random.Next(10) == 0 ? float.NegativeInfinity : (float)(random.NextDouble() * 40 - 10);
        var logp = new float[length];
        LogSoftmax.Compute(logits, logp);

        double max = logits.Max();
        double logSum = Math.Log(logits.Sum(x => Math.Exp(x - max)));
        for (int i = 0; i < length; i++)
        {
            if (float.IsNegativeInfinity(logits[i]))
                Assert.True(float.IsNegativeInfinity(logp[i]));
            else
                Assert.Equal(logits[i] - max - logSum, logp[i], tolerance: 1e-5);
        }
    }

    [Fact]
    public void AllImpossible_StaysImpossible()
    {
        float[] logits = [float.NegativeInfinity, float.NegativeInfinity];
        var logp = new float[2];
        LogSoftmax.Compute(logits, logp);
        Assert.All(logp, x => Assert.True(float.IsNegativeInfinity(x)));
    }
}
