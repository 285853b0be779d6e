using Florence2.Tests.Fixtures;

namespace Florence2.Tests.Inference.ContinuousDecoding;

/// <summary>Edits a self-attention cache [1, H, P, hd] along its length axis, as a continuous batch's rows need.</summary>
public static class PastAxis
{
    /// <summary>Entries <paramref name="from"/>..P−1: a history that starts later.</summary>
    public static FloatTensor Drop(FloatTensor past, int from) => Rebuild(past, (int)past.Shape[2] - from, (head, entry) => past.Data.AsSpan(Offset(past, head, from + entry), (int)past.Shape[3]));

    /// <summary>
    /// <paramref name="gap"/> entries of noise, then the cache: a row whose history is shorter than the batch's shared
    /// cache length. Noise, not zeros, so a gap that is not masked visibly changes the result.
    /// </summary>
    public static FloatTensor PadLeft(FloatTensor past, int gap, int seed)
    {
        var noise = FloatTensor.Random(new Random(seed), 1, past.Shape[1], gap, past.Shape[3]);
        return Rebuild(past, (int)past.Shape[2] + gap, (head, entry) => entry < gap
            ? noise.Data.AsSpan(Offset(noise, head, entry), (int)past.Shape[3])
            : past.Data.AsSpan(Offset(past, head, entry - gap), (int)past.Shape[3]));
    }

    /// <summary>Additive self-attention bias of one row: −1e9 over the first <paramref name="gap"/> entries of <paramref name="length"/>.</summary>
    public static float[] GapBias(int gap, int length) =>
        Enumerable.Range(0, length).Select(i => i < gap ? -1e9f : 0f).ToArray();

    private static int Offset(FloatTensor past, int head, int entry) => (head * (int)past.Shape[2] + entry) * (int)past.Shape[3];

    private delegate ReadOnlySpan<float> EntryOf(int head, int entry);

    private static FloatTensor Rebuild(FloatTensor past, int length, EntryOf entryOf)
    {
        if (past.Shape[0] != 1) throw new ArgumentException("Expected a batch-1 cache.", nameof(past));
        int heads = (int)past.Shape[1], width = (int)past.Shape[3];
        var data = new float[heads * length * width];
        for (var head = 0; head < heads; head++)
            for (var entry = 0; entry < length; entry++)
                entryOf(head, entry).CopyTo(data.AsSpan((head * length + entry) * width, width));
        return new FloatTensor(data, [1, heads, length, width]);
    }
}
