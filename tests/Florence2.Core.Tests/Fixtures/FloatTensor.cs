namespace Florence2.Tests.Fixtures;

/// <summary>A dense float tensor copied out of ONNX Runtime (row-major).</summary>
public sealed record FloatTensor(float[] Data, long[] Shape)
{
    public static FloatTensor Random(Random random, params long[] shape)
    {
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return new FloatTensor(data, shape);
    }

    public FloatTensor DeepCopy() => new((float[])Data.Clone(), (long[])Shape.Clone());

    /// <summary>Concatenates batch-1 tensors of equal shape along axis 0.</summary>
    public static FloatTensor Stack(params FloatTensor[] items)
    {
        var shape = (long[])items[0].Shape.Clone();
        shape[0] = items.Length;
        return new FloatTensor(items.SelectMany(t => t.Data).ToArray(), shape);
    }

    /// <summary>Item <paramref name="index"/> of axis 0, keeping a leading axis of 1.</summary>
    public FloatTensor BatchItem(int index)
    {
        var size = Data.Length / (int)Shape[0];
        var shape = (long[])Shape.Clone();
        shape[0] = 1;
        return new FloatTensor(Data.AsSpan(index * size, size).ToArray(), shape);
    }

    /// <summary>Row <paramref name="row"/> of the last axis, for a tensor of shape [1, rows, width].</summary>
    public float[] Row(int row)
    {
        var width = (int)Shape[^1];
        return Data.AsSpan(row * width, width).ToArray();
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        var max = 0f;
        for (var i = 0; i < a.Length; i++) max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        return max;
    }

    /// <summary>‖a − b‖ / ‖a‖ over all elements: how far a quantized model's output is from the fp32 one.</summary>
    public static double RelativeError(ReadOnlySpan<float> reference, ReadOnlySpan<float> other)
    {
        Assert.Equal(reference.Length, other.Length);
        double difference = 0, norm = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            difference += (reference[i] - (double)other[i]) * (reference[i] - (double)other[i]);
            norm += reference[i] * (double)reference[i];
        }
        return Math.Sqrt(difference / norm);
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
