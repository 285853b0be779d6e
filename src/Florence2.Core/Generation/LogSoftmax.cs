namespace Florence2.Generation;

/// <summary>Numerically stable log-softmax over one row of logits (HF beam search scores in log-probability space).</summary>
public static class LogSoftmax
{
    /// <summary>
    /// Writes <c>log_softmax(logits)</c> to <paramref name="destination"/> (same length). Subtracts the row maximum before
    /// exponentiating and accumulates the sum in double, so 51k-entry rows lose no precision to the summation.
    /// </summary>
    public static void Compute(ReadOnlySpan<float> logits, Span<float> destination)
    {
        if (destination.Length != logits.Length)
            throw new ArgumentException("Destination length must equal the logits length.", nameof(destination));
        if (logits.IsEmpty)
            return;

        float max = float.NegativeInfinity;
        foreach (float x in logits)
            if (x > max)
                max = x;
        if (float.IsNegativeInfinity(max))
        {
            // Every id impossible: keep them all impossible instead of producing NaN from (−∞) − (−∞).
            destination.Fill(float.NegativeInfinity);
            return;
        }

        double sum = 0;
        foreach (float x in logits)
            sum += MathF.Exp(x - max);
        double logSumExp = max + Math.Log(sum);
        for (int i = 0; i < logits.Length; i++)
            destination[i] = (float)(logits[i] - logSumExp);
    }
}
