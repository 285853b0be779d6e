using Onnx;

namespace Florence2.Inference.ContinuousDecoding;

/// <summary>Walks a graph and the subgraphs its nodes carry (If branches, Loop bodies), recursively.</summary>
internal static class OnnxGraphs
{
    public static IEnumerable<GraphProto> All(GraphProto graph)
    {
        yield return graph;
        foreach (var node in graph.Node)
            foreach (var attribute in node.Attribute)
                foreach (var nested in (attribute.G is { } g ? [g] : Enumerable.Empty<GraphProto>()).Concat(attribute.Graphs))
                    foreach (var inner in All(nested))
                        yield return inner;
    }

    /// <summary>Every name the model uses: nodes, values, initializers and graph inputs/outputs, in all graphs.</summary>
    public static HashSet<string> Names(ModelProto model)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var graph in All(model.Graph))
        {
            names.UnionWith(graph.Input.Select(v => v.Name));
            names.UnionWith(graph.Output.Select(v => v.Name));
            names.UnionWith(graph.ValueInfo.Select(v => v.Name));
            names.UnionWith(graph.Initializer.Select(t => t.Name));
            foreach (var node in graph.Node)
            {
                names.Add(node.Name);
                names.UnionWith(node.Input);
                names.UnionWith(node.Output);
            }
        }
        return names;
    }
}
