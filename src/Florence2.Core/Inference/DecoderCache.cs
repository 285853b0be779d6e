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

    /// <summary>True until the first decoder step has filled the self-attention cache.</summary>
    public bool IsEmpty => _selfAttention.Length == 0;

    /// <summary>
    /// Takes over the rows of <paramref name="newcomers"/> (requests prefilled on their own; their self-attention
    /// holds one position) after this cache's rows, then disposes what is left of it. Their self-attention is
    /// left-padded to this cache's <paramref name="selfLength"/> positions — the caller masks that gap — and the
    /// encoder side (cross-attention cache, states, mask) of whichever holds the shorter encoder sequence is
    /// right-padded with zeros and mask 0, which the cross-attention already ignores.
    /// </summary>
    public void AppendRows(DecoderCache newcomers, long selfLength)
    {
        if (IsEmpty)
        {
            (_selfAttention, newcomers._selfAttention) = (newcomers._selfAttention, _selfAttention);
            (_crossAttention, newcomers._crossAttention) = (newcomers._crossAttention, _crossAttention);
            (_encoderStates, newcomers._encoderStates) = (newcomers._encoderStates, _encoderStates);
            (_encoderMask, newcomers._encoderMask) = (newcomers._encoderMask, _encoderMask);
            newcomers.Dispose();
            return;
        }
        long theirLength = newcomers._selfAttention[0].GetTensorTypeAndShape().Shape[2];
        var self = newcomers._selfAttention.Select(v => ops.PadWithZeros(v, rank: 4, axis: 2, selfLength - theirLength, 0)).ToArray();
        SetSelfAttention(ConcatRows(_selfAttention, self));
        DisposeAll(self);

        long ours = EncoderMask.GetTensorTypeAndShape().Shape[1], theirs = newcomers.EncoderMask.GetTensorTypeAndShape().Shape[1];
        long length = Math.Max(ours, theirs);
        var mine = PadEncoderSide(length - ours);
        var others = newcomers.PadEncoderSide(length - theirs);
        SetCrossAttention(ConcatRows(mine[..^2], others[..^2]));
        var rows = ConcatRows(mine[^2..], others[^2..]);
        SetEncoder(rows[0], rows[1]);
        DisposeAll(mine);
        DisposeAll(others);
        newcomers.Dispose();
    }

    /// <summary>Drops the first <paramref name="count"/> self-attention positions (a gap no row attends to any more).</summary>
    public void DropLeadingSelfPositions(long count) =>
        SetSelfAttention([.. _selfAttention.Select(v => ops.DropLeading(v, axis: 2, count))]);

    /// <summary>
    /// Cross-attention cache, then encoder states and mask, right-padded by <paramref name="extra"/> encoder positions;
    /// the caller owns (and disposes) what this returns.
    /// </summary>
    private OrtValue[] PadEncoderSide(long extra)
    {
        if (extra == 0)
        {
            // Handed over as they are: the caller's Set* calls dispose the old arrays, so detach them here.
            OrtValue[] same = [.. _crossAttention, EncoderStates, EncoderMask];
            (_crossAttention, _encoderStates, _encoderMask) = ([], null, null);
            return same;
        }
        return [.. _crossAttention.Select(v => ops.PadWithZeros(v, rank: 4, axis: 2, 0, extra)),
            ops.PadWithZeros(EncoderStates, rank: 3, axis: 1, 0, extra), ops.PadWithZeros(EncoderMask, rank: 2, axis: 1, 0, extra)];
    }

    private OrtValue[] ConcatRows(IReadOnlyList<OrtValue> first, IReadOnlyList<OrtValue> second)
    {
        var joined = new OrtValue[first.Count];
        for (int i = 0; i < joined.Length; i++) joined[i] = ops.Concat(first[i], second[i], axis: 0);
        return joined;
    }

    public void Dispose() => Clear();

    /// <summary>Disposes every value held; the cache is empty again.</summary>
    public void Clear()
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
