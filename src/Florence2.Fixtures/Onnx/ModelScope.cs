using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>
/// State shared by a model's main graph and its subgraphs: value names must be unique model-wide
/// (ONNX forbids a subgraph from shadowing an outer name), and every initializer lives in the main
/// graph so both If branches can share one copy of each weight.
/// </summary>
internal sealed class ModelScope(ulong seed)
{
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private int _nameCounter;

    public GraphProto MainGraph { get; } = new();

    public string UniqueName(string hint) => $"{hint}_{++_nameCounter}";

    /// <summary>Adds a random/constant weight once; later requests for the same name return the same tensor.</summary>
    public string Weight(string name, long[] shape, WeightInit init)
    {
        if (_initializers.TryGetValue(name, out var existing))
        {
            if (!existing.Dims.SequenceEqual(shape))
                throw new InvalidOperationException($"Weight '{name}' requested with two different shapes.");
            return name;
        }
        // Seed per tensor name, so a tensor's values don't depend on the order the graph is built in.
        return Add(TensorFactory.Floats(name, shape, init, seed ^ Fnv1a(name)));
    }

    /// <summary>
    /// Adds <paramref name="name"/>: the values <see cref="Weight"/> gives <paramref name="sourceName"/> (a 2-D
    /// <paramref name="sourceShape"/>), transposed. The source itself is not added, so a file that only needs the
    /// transposed copy does not carry both.
    /// </summary>
    public string TransposedWeight(string sourceName, long[] sourceShape, WeightInit init, string name)
    {
        if (_initializers.ContainsKey(name)) return name;
        var source = TensorFactory.Floats(sourceName, sourceShape, init, seed ^ Fnv1a(sourceName));
        int rows = checked((int)sourceShape[0]), columns = checked((int)sourceShape[1]);
        var values = TensorFactory.ReadFloats(source);
        var transposed = new float[values.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                transposed[c * rows + r] = values[r * columns + c];
        return Add(TensorFactory.Float(name, [columns, rows], transposed));
    }

    /// <summary>Adds a fixed-content initializer; identical constants are stored once.</summary>
    public string Constant(TensorProto tensor)
    {
        if (_initializers.TryGetValue(tensor.Name, out var existing))
        {
            if (!existing.Equals(tensor))
                throw new InvalidOperationException($"Two different constants named '{tensor.Name}'.");
            return tensor.Name;
        }
        return Add(tensor);
    }

    private string Add(TensorProto tensor)
    {
        _initializers.Add(tensor.Name, tensor);
        MainGraph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
