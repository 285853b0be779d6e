using Florence2.Inference.ContinuousDecoding;
using Florence2.Models;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Florence2.Inference;

/// <summary>
/// Gives a graph with float16 inputs or outputs a float32 boundary in memory, as onnxconverter-common's
/// <c>keep_io_types</c> would have: each float16 input is declared float32 and cast down on entry, each float16 output
/// is cast up on exit. The hub's fp16 files already look like that (spec §2.4); an fp16 file exported without
/// keep_io_types then runs on the engine's float32 tensors unchanged, computing exactly what the file computes. The
/// user's file is only read.
/// </summary>
internal static class Float32Boundary
{
    private const int Float = 1, Float16 = 10;

    /// <summary>True when <paramref name="session"/> declares a float16 input or output.</summary>
    public static bool Needed(InferenceSession session) =>
        session.InputMetadata.Values.Concat(session.OutputMetadata.Values)
            .Any(meta => meta.IsTensor && meta.ElementDataType == TensorElementType.Float16);

    /// <summary>The file at <paramref name="path"/> with a float32 boundary, serialised for ONNX Runtime.</summary>
    /// <exception cref="ModelLoadException">The file keeps its weights in external data files (it cannot be loaded from memory).</exception>
    public static byte[] Wrap(string path)
    {
        ModelProto model;
        using (var file = File.OpenRead(path)) model = ModelProto.Parser.ParseFrom(file);
        if (OnnxTensorValues.UsesExternalData(model))
            throw new ModelLoadException($"'{path}' has float16 inputs or outputs and keeps its weights in external data " +
                "files; such a file cannot be given float32 inputs and outputs in memory. Use a file exported with " +
                "keep_io_types (the hub's _fp16 files are).", path);
        Apply(model);
        return model.ToByteArray();
    }

    /// <summary>Casts every float16 input of the main graph down on entry and every float16 output up on exit.</summary>
    /// <returns>True when the graph had any.</returns>
    public static bool Apply(ModelProto model)
    {
        var main = model.Graph;
        var names = OnnxGraphs.Names(model);
        var entryCasts = new List<NodeProto>();
        bool changed = false;
        foreach (var input in main.Input.Where(IsFloat16))
        {
            string half = Unique(names, input.Name + "/float16");
            RenameReaders(model, input.Name, half);
            entryCasts.Add(Cast(input.Name, half, Float16));
            input.Type.TensorType.ElemType = Float;
            changed = true;
        }
        foreach (var output in main.Output.Where(IsFloat16))
        {
            string half = Unique(names, output.Name + "/float16");
            RenameReaders(model, output.Name, half);
            foreach (var node in main.Node)
                for (int i = 0; i < node.Output.Count; i++)
                    if (node.Output[i] == output.Name) node.Output[i] = half;
            main.Node.Add(Cast(half, output.Name, Float));
            output.Type.TensorType.ElemType = Float;
            changed = true;
        }
        foreach (var cast in Enumerable.Reverse(entryCasts)) main.Node.Insert(0, cast);
        return changed;
    }

    private static bool IsFloat16(ValueInfoProto value) => value.Type.TensorType?.ElemType == Float16;

    /// <summary>
    /// Points every reader of <paramref name="from"/> at <paramref name="to"/>, in the main graph and in the subgraphs
    /// (If branches read the main graph's values by name), except in a subgraph that declares a value of that name itself.
    /// </summary>
    private static void RenameReaders(ModelProto model, string from, string to)
    {
        foreach (var graph in OnnxGraphs.All(model.Graph))
        {
            if (graph != model.Graph && Declares(graph, from)) continue;
            foreach (var node in graph.Node)
                for (int i = 0; i < node.Input.Count; i++)
                    if (node.Input[i] == from) node.Input[i] = to;
            foreach (var value in graph.ValueInfo.Where(v => v.Name == from)) value.Name = to;
        }
    }

    private static bool Declares(GraphProto graph, string name) =>
        graph.Input.Any(v => v.Name == name) || graph.Initializer.Any(t => t.Name == name)
        || graph.Node.Any(n => n.Output.Contains(name));

    private static string Unique(HashSet<string> names, string wanted)
    {
        string name = wanted;
        for (int i = 2; !names.Add(name); i++) name = $"{wanted}_{i}";
        return name;
    }

    private static NodeProto Cast(string input, string output, int to)
    {
        var node = new NodeProto { OpType = "Cast", Name = output + "/cast" };
        node.Input.Add(input);
        node.Output.Add(output);
        node.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = to });
        return node;
    }
}
