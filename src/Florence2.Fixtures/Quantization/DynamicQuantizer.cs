using Florence2.Fixtures.Onnx;
using Onnx;

namespace Florence2.Fixtures.Quantization;

/// <summary>
/// What ONNX Runtime's <c>quantize_dynamic</c> (per-tensor, no reduce_range) makes of a float model, as in the hub's
/// <c>_int8</c>, <c>_uint8</c> and <c>_quantized</c> files: a MatMul on a weight becomes
/// DynamicQuantizeLinear(x) → MatMulInteger → Cast → Mul(x_scale·w_scale); a Conv becomes the same around ConvInteger
/// with the bias added after; a Gather on a table gathers the 8-bit rows and dequantizes them (DequantizeLinear).
/// int8 weights are symmetric (zero point 0), uint8 weights asymmetric, as quantize_dynamic does by default.
/// </summary>
internal sealed class DynamicQuantizer(ModelRewrite model, ElementType weightType)
{
    private readonly Dictionary<string, QuantizedWeight> _weights = new(StringComparer.Ordinal);

    public static void Apply(ModelProto model, ElementType weightType)
    {
        var rewrite = new ModelRewrite(model);
        var quantizer = new DynamicQuantizer(rewrite, weightType);
        rewrite.ReplaceNodes(quantizer.Rewrite);
        rewrite.RemoveUnusedInitializers();
    }

    private IReadOnlyList<NodeProto>? Rewrite(NodeProto node) => node.OpType switch
    {
        "MatMul" when model.FloatWeight(node.Input[1], rank: 2) is { } weight => IntegerProduct(node, weight, "MatMulInteger", bias: null),
        "Conv" when model.FloatWeight(node.Input[1], rank: 4) is { } weight =>
            IntegerProduct(node, weight, "ConvInteger", bias: node.Input.Count > 2 ? node.Input[2] : null),
        "Gather" when model.FloatWeight(node.Input[0], rank: 2) is { } table => DequantizedGather(node, table),
        _ => null,
    };

    private NodeProto[] IntegerProduct(NodeProto node, TensorProto weight, string integerOp, string? bias)
    {
        var w = Quantize(weight);
        string output = node.Output[0];
        string xq = output + "/x_quantized", xScale = output + "/x_scale", xZero = output + "/x_zero_point";
        string integer = output + "/int32", asFloat = output + "/float", scale = output + "/scale";
        string scaled = bias is null ? output : output + "/scaled";

        // ConvInteger keeps the Conv's geometry attributes; MatMulInteger has none.
        var attributes = integerOp == "ConvInteger" ? node.Attribute.ToArray() : [];
        var nodes = new List<NodeProto>
        {
            ModelRewrite.Node("DynamicQuantizeLinear", [node.Input[0]], [xq, xScale, xZero]),
            ModelRewrite.Node(integerOp, [xq, w.Values, xZero, w.ZeroPoint], [integer], attributes),
            ModelRewrite.Node("Cast", [integer], [asFloat], Attr.Int("to", (long)ElementType.Float)),
            ModelRewrite.Node("Mul", [xScale, w.Scale], [scale]),
            ModelRewrite.Node("Mul", [asFloat, scale], [scaled]),
        };
        if (bias is not null)
            nodes.Add(ModelRewrite.Node("Add", [scaled, ChannelBias(bias)], [output]));
        return [.. nodes];
    }

    private NodeProto[] DequantizedGather(NodeProto node, TensorProto table)
    {
        var w = Quantize(table);
        string rows = node.Output[0] + "/quantized_rows";
        return
        [
            ModelRewrite.Node("Gather", [w.Values, node.Input[1]], [rows], [.. node.Attribute]),
            ModelRewrite.Node("DequantizeLinear", [rows, w.Scale, w.ZeroPoint], [node.Output[0]]),
        ];
    }

    /// <summary>Conv bias [C] as [C, 1, 1], so it broadcasts over the [B, C, h, w] output.</summary>
    private string ChannelBias(string bias)
    {
        string name = bias + "_per_channel";
        if (model.HasInitializer(name)) return name;
        var values = TensorFactory.ReadFloats(model.FloatWeight(bias, rank: 1)
            ?? throw new InvalidOperationException($"Conv bias '{bias}' is not a float initializer."));
        return model.AddInitializer(TensorFactory.Float(name, [values.Length, 1, 1], values));
    }

    private QuantizedWeight Quantize(TensorProto weight)
    {
        if (_weights.TryGetValue(weight.Name, out var known)) return known;
        var values = TensorFactory.ReadFloats(weight);
        var (bytes, scale, zeroPoint) = weightType == ElementType.Int8 ? Symmetric(values) : Asymmetric(values);
        var quantized = new QuantizedWeight(
            model.AddInitializer(TensorFactory.Raw(weight.Name + "_quantized", weightType, weight.Dims, bytes)),
            model.AddInitializer(TensorFactory.Float(weight.Name + "_scale", [], [scale])),
            model.AddInitializer(TensorFactory.Raw(weight.Name + "_zero_point", weightType, [], [zeroPoint])));
        _weights.Add(weight.Name, quantized);
        return quantized;
    }

    /// <summary>int8, zero point 0, scale = max|w| / 127.</summary>
    private static (byte[] Bytes, float Scale, byte ZeroPoint) Symmetric(float[] values)
    {
        float absMax = values.Max(MathF.Abs);
        float scale = absMax > 0 ? absMax / 127f : 1f;
        var bytes = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
            bytes[i] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[i] / scale), -127f, 127f));
        return (bytes, scale, 0);
    }

    /// <summary>uint8 over [min(0, w), max(0, w)] so that 0 is exact.</summary>
    private static (byte[] Bytes, float Scale, byte ZeroPoint) Asymmetric(float[] values)
    {
        float min = Math.Min(0f, values.Min()), max = Math.Max(0f, values.Max());
        float scale = max > min ? (max - min) / 255f : 1f;
        var zeroPoint = (byte)Math.Clamp(MathF.Round(-min / scale), 0f, 255f);
        var bytes = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
            bytes[i] = (byte)Math.Clamp(MathF.Round(values[i] / scale) + zeroPoint, 0f, 255f);
        return (bytes, scale, zeroPoint);
    }

    private sealed record QuantizedWeight(string Values, string Scale, string ZeroPoint);
}
