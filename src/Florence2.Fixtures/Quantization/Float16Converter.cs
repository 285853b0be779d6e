using System.Runtime.InteropServices;
using Florence2.Fixtures.Onnx;
using Onnx;

namespace Florence2.Fixtures.Quantization;

/// <summary>
/// float16 conversion with <c>keep_io_types=True</c>, as the hub's <c>_fp16</c> and <c>_q4f16</c> files were made
/// (spec §2.4): every float initializer, Constant and Cast-to-float becomes float16 and the arithmetic runs in float16,
/// while the graph's float32 inputs are cast down on entry and its outputs cast back up, so callers keep feeding and
/// reading float32. Values beyond float16's range are clamped to ±65504 (the −1e9 mask scores among them), as
/// onnxconverter-common's converter does.
/// </summary>
internal static class Float16Converter
{
    private const float MaxFinite = 65504f;

    public static void Apply(ModelProto model) => Apply(model, keepIoTypes: true);

    /// <param name="model">Converted in place.</param>
    /// <param name="keepIoTypes">
    /// False: the graph's float inputs and outputs become float16 themselves (no casts on entry or exit), as
    /// onnxconverter-common writes without keep_io_types — a file the engine must feed and read in float16.
    /// </param>
    public static void Apply(ModelProto model, bool keepIoTypes)
    {
        var rewrite = new ModelRewrite(model);
        var main = model.Graph;

        foreach (var tensor in main.Initializer.Where(IsFloat).ToList())
            ReplaceInitializer(main, tensor, ToFloat16(tensor));

        foreach (var graph in rewrite.Graphs())
        {
            foreach (var node in graph.Node)
            {
                foreach (var attribute in node.Attribute)
                {
                    if (node.OpType == "Cast" && attribute.Name == "to" && attribute.I == (long)ElementType.Float)
                        attribute.I = (long)ElementType.Float16;
                    if (attribute.T is { } constant && IsFloat(constant))
                        attribute.T = ToFloat16(constant);
                }
            }
            // If-branch outputs are internal values now computed in float16.
            if (graph != main)
                foreach (var output in graph.Output.Where(IsFloat)) output.Type.TensorType.ElemType = (int)ElementType.Float16;
        }

        if (!keepIoTypes)
        {
            foreach (var value in main.Input.Concat(main.Output).Where(IsFloat)) value.Type.TensorType.ElemType = (int)ElementType.Float16;
            return;
        }

        var entryCasts = new List<NodeProto>();
        foreach (var input in main.Input.Where(IsFloat))
        {
            string half = input.Name + "/float16";
            Rename(rewrite, input.Name, half, renameProducers: false);
            entryCasts.Add(ModelRewrite.Node("Cast", [input.Name], [half], Attr.Int("to", (long)ElementType.Float16)));
        }
        foreach (var output in main.Output.Where(IsFloat))
        {
            string half = output.Name + "/float16";
            Rename(rewrite, output.Name, half, renameProducers: true);
            main.Node.Add(ModelRewrite.Node("Cast", [half], [output.Name], Attr.Int("to", (long)ElementType.Float)));
        }
        foreach (var cast in Enumerable.Reverse(entryCasts)) main.Node.Insert(0, cast);
    }

    private static bool IsFloat(TensorProto tensor) => tensor.DataType == (int)ElementType.Float;

    private static bool IsFloat(ValueInfoProto value) => value.Type.TensorType?.ElemType == (int)ElementType.Float;

    private static TensorProto ToFloat16(TensorProto tensor)
    {
        var values = TensorFactory.ReadFloats(tensor);
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++) halves[i] = (Half)Math.Clamp(values[i], -MaxFinite, MaxFinite);
        return TensorFactory.Raw(tensor.Name, ElementType.Float16, tensor.Dims, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray());
    }

    private static void ReplaceInitializer(GraphProto graph, TensorProto old, TensorProto replacement)
    {
        int index = graph.Initializer.IndexOf(old);
        graph.Initializer[index] = replacement;
    }

    /// <summary>Points every reader (and, for outputs, the producer) of <paramref name="from"/> at <paramref name="to"/>, in all graphs.</summary>
    private static void Rename(ModelRewrite rewrite, string from, string to, bool renameProducers)
    {
        foreach (var node in rewrite.Graphs().SelectMany(g => g.Node))
        {
            for (var i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == from) node.Input[i] = to;
            if (!renameProducers) continue;
            for (var i = 0; i < node.Output.Count; i++)
                if (node.Output[i] == from) node.Output[i] = to;
        }
    }
}
