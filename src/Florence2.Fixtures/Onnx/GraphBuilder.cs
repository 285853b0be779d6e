using System.Globalization;
using Onnx;

namespace Florence2.Fixtures.Onnx;

/// <summary>Appends nodes to one graph (the main graph or an If branch) and names their outputs.</summary>
internal sealed class GraphBuilder
{
    private readonly ModelScope _scope;

    private GraphBuilder(ModelScope scope, GraphProto graph)
    {
        _scope = scope;
        Graph = graph;
    }

    public GraphProto Graph { get; }

    public static GraphBuilder ForMainGraph(ModelScope scope, string name)
    {
        scope.MainGraph.Name = name;
        return new GraphBuilder(scope, scope.MainGraph);
    }

    public GraphBuilder Subgraph(string name) => new(_scope, new GraphProto { Name = name });

    public string Input(string name, ElementType type, params Dim[] dims)
    {
        Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares a graph output. With no dims only the element type is declared (used for If branches,
    /// whose two branches legitimately produce different shapes).</summary>
    public void Output(string name, ElementType type, params Dim[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    public string Weight(string name, long[] shape, WeightInit init) => _scope.Weight(name, shape, init);

    public string TransposedWeight(string sourceName, long[] sourceShape, WeightInit init, string name) =>
        _scope.TransposedWeight(sourceName, sourceShape, init, name);

    public string Int64s(params long[] values) =>
        _scope.Constant(TensorFactory.Int64s(ConstantName("i64", values), [values.Length], values));

    public string ScalarInt64(long value) =>
        _scope.Constant(TensorFactory.Int64s(ConstantName("i64s", [value]), [], [value]));

    public string ScalarFloat(float value) =>
        _scope.Constant(TensorFactory.Float(ConstantName("f32s", [value]), [], [value]));

    public string Floats(params float[] values) =>
        _scope.Constant(TensorFactory.Float(ConstantName("f32", values), [values.Length], values));

    /// <summary>A named int64 table (e.g. the scripted decoder's token per position).</summary>
    public string NamedInt64s(string name, long[] values) =>
        _scope.Constant(TensorFactory.Int64s(name, [values.Length], values));

    /// <summary>Adds a single-output node and returns its output name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = _scope.UniqueName(opType);
        Node(opType, inputs, [output], attributes);
        return output;
    }

    public void Node(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = _scope.UniqueName(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    private static string ConstantName<T>(string kind, IEnumerable<T> values) where T : IFormattable =>
        $"const_{kind}_" + string.Join('_', values.Select(v => v.ToString(null, CultureInfo.InvariantCulture)));

    private static ValueInfoProto ValueInfo(string name, ElementType type, Dim[] dims)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (dims.Length > 0)
        {
            tensorType.Shape = new TensorShapeProto();
            foreach (var dim in dims)
            {
                tensorType.Shape.Dim.Add(dim.Symbol is { } symbol
                    ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                    : new TensorShapeProto.Types.Dimension { DimValue = dim.Value!.Value });
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
