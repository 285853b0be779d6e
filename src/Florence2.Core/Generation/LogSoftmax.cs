using System.Numerics;
using System.Runtime.InteropServices;

namespace Florence2.Generation;

/// <summary>Numerically stable log-softmax over one row of logits (HF beam search scores in log-probability space).</summary>
public static class LogSoftmax
{
    /// <summary>
    /// Writes <c>log_softmax(logits)</c> to <paramref name="destination"/> (same length). Subtracts the row maximum before
    /// exponentiating and accumulates the sum in double, so 51k-entry rows lose no precision to the summation. SIMD,
    /// because beam search runs this over K full vocabulary rows every step.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> logits, Span<float> destination)
    {
        if (destination.Length != logits.Length)
            throw new ArgumentException("Destination length must equal the logits length.", nameof(destination));
        if (logits.IsEmpty)
            return;

        float max = Max(logits);
        if (float.IsNegativeInfinity(max))
        {
            // Every id impossible: keep them all impossible instead of producing NaN from (−∞) − (−∞).
            destination.Fill(float.NegativeInfinity);
            return;
        }

        // (x − max) − log Σ exp(x − max), like torch: shifting first keeps float precision for large logits.
        float logSum = (float)Math.Log(SumExp(logits, max));
        Shift(logits, max, logSum, destination);
    }

    /// <summary>
    /// <c>log_softmax(logits)[i]</c> for the index i holding the row maximum <paramref name="max"/>: <c>−log Σ exp(x − max)</c>,
    /// one SIMD pass instead of the three of <see cref="Compute"/> and no row written (greedy search's transition score).
    /// −∞ when every entry is −∞.
    /// </summary>
    public static float LogProbOfMaximum(ReadOnlySpan<float> logits, float max)
    {
        if (logits.IsEmpty || float.IsNegativeInfinity(max))
            return float.NegativeInfinity;
        return (float)-Math.Log(SumExp(logits, max));
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var maxVector = new Vector<float>(float.NegativeInfinity);
        foreach (Vector<float> v in vectors)
            maxVector = Vector.Max(maxVector, v);
        float max = float.NegativeInfinity;
        for (int i = 0; i < Vector<float>.Count; i++)
            max = Math.Max(max, maxVector[i]);
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            max = Math.Max(max, values[i]);
        return max;
    }

    private static double SumExp(ReadOnlySpan<float> values, float max)
    {
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var maxVector = new Vector<float>(max);
        double sum = 0;
        var one = Vector<float>.One;
        foreach (Vector<float> v in vectors)
        {
            // Vector.Exp approximates; exp(0) must be exactly 1, so a row whose every other entry is −∞ (a forced token)
            // sums to exactly 1 and its token gets log-probability exactly 0, as in torch.
            var exp = Vector.ConditionalSelect(Vector.Equals(v, maxVector), one, Vector.Exp(v - maxVector));
            sum += Vector.Sum(exp); // one float lane-sum per vector, accumulated in double
        }
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
            sum += MathF.Exp(values[i] - max);
        return sum;
    }

    private static void Shift(ReadOnlySpan<float> values, float max, float logSum, Span<float> destination)
    {
        ReadOnlySpan<Vector<float>> source = MemoryMarshal.Cast<float, Vector<float>>(values);
        Span<Vector<float>> target = MemoryMarshal.Cast<float, Vector<float>>(destination);
        var maxVector = new Vector<float>(max);
        var logSumVector = new Vector<float>(logSum);
        for (int i = 0; i < source.Length; i++)
            target[i] = (source[i] - maxVector) - logSumVector;
        for (int i = source.Length * Vector<float>.Count; i < values.Length; i++)
            destination[i] = (values[i] - max) - logSum;
    }
}
