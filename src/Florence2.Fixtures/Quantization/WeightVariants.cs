using Florence2.Fixtures.Onnx;
using Onnx;

namespace Florence2.Fixtures.Quantization;

/// <summary>
/// The weight variants the onnx-community Florence-2 repos ship beside the fp32 export, by their transformers.js dtype
/// name, with the file suffix the hub uses (<c>decoder_model_merged_q4.onnx</c>) and how each is made from the fp32
/// graph. Every variant keeps the fp32 file's tensor names and float32/int64/bool inputs and outputs.
/// </summary>
public static class WeightVariants
{
    private static readonly Dictionary<string, (string Suffix, Action<ModelProto> Convert)> ByDtype =
        new(StringComparer.Ordinal)
        {
            ["fp16"] = ("_fp16", Float16Converter.Apply),
            // q8: QInt8 weights, or QUInt8 when the graph has a Conv, as transformers.js' quantize script chooses
            // (onnxruntime-web lacks int8-weight ConvInteger; the CPU provider here runs both).
            ["q8"] = ("_quantized", m => DynamicQuantizer.Apply(m, HasConv(m) ? ElementType.UInt8 : ElementType.Int8)),
            ["int8"] = ("_int8", m => DynamicQuantizer.Apply(m, ElementType.Int8)),
            ["uint8"] = ("_uint8", m => DynamicQuantizer.Apply(m, ElementType.UInt8)),
            ["q4"] = ("_q4", FourBitQuantizer.ApplyMatMulNBits),
            ["q4f16"] = ("_q4f16", m => { FourBitQuantizer.ApplyMatMulNBits(m); Float16Converter.Apply(m); }),
            ["bnb4"] = ("_bnb4", FourBitQuantizer.ApplyBnb4),
            // Not a hub variant (not in All): fp16 written without keep_io_types, float16 inputs and outputs, under
            // the fp16 file names — for tests that the engine loads such a file (spec §2.4 leaves it possible).
            [Float16Io] = ("_fp16", m => Float16Converter.Apply(m, keepIoTypes: false)),
        };

    /// <summary>The test-only variant of <c>fp16</c> files with float16 inputs and outputs (it takes the <c>_fp16</c> names).</summary>
    public const string Float16Io = "fp16-float16-io";

    /// <summary>Every variant besides fp32, in the order the writer writes them.</summary>
    public static IReadOnlyList<string> All { get; } = ["fp16", "q8", "int8", "uint8", "q4", "q4f16", "bnb4"];

    public static bool IsKnown(string dtype) => ByDtype.ContainsKey(dtype);

    /// <summary><c>vision_encoder</c> + <c>q4</c> → <c>vision_encoder_q4.onnx</c>.</summary>
    public static string FileName(string baseName, string dtype) => baseName + Require(dtype).Suffix + ".onnx";

    /// <summary>A converted deep copy of <paramref name="fp32"/>; the original is left as it was.</summary>
    internal static ModelProto Convert(ModelProto fp32, string dtype)
    {
        var convert = Require(dtype).Convert;
        var model = fp32.Clone(); // tensor bytes are immutable ByteStrings: the copy shares them until replaced
        convert(model);
        return model;
    }

    private static (string Suffix, Action<ModelProto> Convert) Require(string dtype) =>
        ByDtype.TryGetValue(dtype, out var variant)
            ? variant
            : throw new ArgumentException($"Unknown weight variant '{dtype}'. Known: {string.Join(", ", ByDtype.Keys)}.", nameof(dtype));

    private static bool HasConv(ModelProto model) => model.Graph.Node.Any(n => n.OpType == "Conv");
}
