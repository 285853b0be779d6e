using Microsoft.ML.OnnxRuntime;

namespace Florence2.Inference;

/// <summary>
/// The decoder's state between steps, as ONNX Runtime values on the execution device: the self-attention cache
/// (grows by one position per step, rows follow the beams), the cross-attention cache computed once at step 0,
/// and the encoder states and mask (rows follow the requests).
/// </summary>
/// <remarks>Owns every value it holds; replaced values are disposed as soon as nothing reads them.</remarks>
internal sealed class DecoderCache(TensorOps ops) : IDisposable
{
    private OrtValue[] _selfAttention = [];
    private OrtValue[] _crossAttention = [];
    private OrtValue? _encoderStates;
    private OrtValue? _encoderMask;

    /// <summary>past_key_values.{i}.decoder.key/value, key then value per layer.</summary>
    public IReadOnlyList<OrtValue> SelfAttention => _selfAttention;

    /// <summary>past_key_values.{i}.encoder.key/value, key then value per layer.</summary>
    public IReadOnlyList<OrtValue> CrossAttention => _crossAttention;

    public OrtValue EncoderStates => _encoderStates ?? throw new InvalidOperationException("The encoder states are not set.");
    public OrtValue EncoderMask => _encoderMask ?? throw new InvalidOperationException("The encoder mask is not set.");

    /// <summary>Takes ownership of the encoder outputs that every decoder step reads.</summary>
    public void SetEncoder(OrtValue states, OrtValue mask)
    {
        _encoderStates?.Dispose();
        _encoderMask?.Dispose();
        _encoderStates = states;
        _encoderMask = mask;
    }

    /// <summary>Takes ownership of this step's self-attention presents (they become the next step's pasts).</summary>
    public void SetSelfAttention(OrtValue[] presents)
    {
        DisposeAll(_selfAttention);
        _selfAttention = presents;
    }

    /// <summary>Takes ownership of the cross-attention cache of step 0.</summary>
    public void SetCrossAttention(OrtValue[] presents)
    {
        DisposeAll(_crossAttention);
        _crossAttention = presents;
    }

    /// <summary>Keeps self-attention row <c>rows[i]</c> as new row i (beam reordering and requests leaving).</summary>
    public void GatherSelfAttention(ReadOnlySpan<long> rows) => SetSelfAttention(ops.GatherRows(_selfAttention, rows));

    /// <summary>Re-lays the per-request tensors (cross-attention cache, encoder states and mask) to new rows.</summary>
    public void GatherEncoderSide(ReadOnlySpan<long> rows)
    {
        var all = new List<OrtValue>(_crossAttention) { EncoderStates, EncoderMask };
        var gathered = ops.GatherRows(all, rows);
        SetCrossAttention(gathered[.._crossAttention.Length]);
        SetEncoder(gathered[^2], gathered[^1]);
    }

    public void Dispose()
    {
        DisposeAll(_selfAttention);
        DisposeAll(_crossAttention);
        _selfAttention = [];
        _crossAttention = [];
        _encoderStates?.Dispose();
        _encoderMask?.Dispose();
        _encoderStates = null;
        _encoderMask = null;
    }

    private static void DisposeAll(OrtValue[] values)
    {
        foreach (var value in values) value.Dispose();
    }
}
