using Florence2.Fixtures.Onnx;
using Onnx;

namespace Florence2.Fixtures.Quantization;

/// <summary>
/// The hub's 4-bit files: every MatMul on a weight (the LM head included) becomes a com.microsoft contrib op holding
/// 4-bit blocks; embedding tables (Gather) and convolutions stay float, as ONNX Runtime's quantizers leave them.
/// <list type="bullet">
/// <item><c>q4</c>: MatMulNBits, symmetric 4-bit blocks of 32 along K (MatMul4BitsQuantizer, block_size 32,
/// is_symmetric) — B is [N, blocks, 16] bytes, low nibble first, with the default zero point 8.</item>
/// <item><c>bnb4</c>: MatMulBnb4, NF4 codes in blocks of 64 over Wᵀ flattened, one absmax per block
/// (MatMulBnb4Quantizer, quant_type NF4) — two codes per byte, high nibble first.</item>
/// </list>
/// </summary>
internal static class FourBitQuantizer
{
    public const int NBitsBlockSize = 32;
    public const int Bnb4BlockSize = 64;
    private const int Nf4QuantType = 1;

    /// <summary>The 16 NF4 levels (bitsandbytes' normal-float table).</summary>
    private static readonly float[] Nf4Levels =
    [
        -1f, -0.6961928f, -0.52507305f, -0.3949175f, -0.28444138f, -0.18477343f, -0.09105004f, 0f,
        0.0795803f, 0.1609302f, 0.2461123f, 0.33791524f, 0.44070983f, 0.562617f, 0.72295684f, 1f,
    ];

    public static void ApplyMatMulNBits(ModelProto model) => Apply(model, "MatMulNBits", PackNBits);

    public static void ApplyBnb4(ModelProto model) => Apply(model, "MatMulBnb4", PackBnb4);

    private static void Apply(ModelProto model, string opType, Func<string, float[], int, int, Packed> pack)
    {
        var rewrite = new ModelRewrite(model);
        var packed = new Dictionary<string, Packed>(StringComparer.Ordinal);
        rewrite.ReplaceNodes(node =>
        {
            if (node.OpType != "MatMul" || rewrite.FloatWeight(node.Input[1], rank: 2) is not { } weight) return null;
            int k = checked((int)weight.Dims[0]), n = checked((int)weight.Dims[1]);
            if (!packed.TryGetValue(weight.Name, out var blob))
            {
                blob = pack(weight.Name, TensorFactory.ReadFloats(weight), k, n);
                rewrite.AddInitializer(blob.Values);
                rewrite.AddInitializer(blob.Scales);
                packed.Add(weight.Name, blob);
            }
            return [ModelRewrite.NodeIn(OnnxModelFile.MicrosoftDomain, opType, [node.Input[0], blob.Values.Name, blob.Scales.Name], [node.Output[0]], blob.Attributes)];
        });
        rewrite.RemoveUnusedInitializers();
        OnnxModelFile.ImportMicrosoftDomain(model);
    }

    /// <summary>W [K, N] → B [N, ⌈K/32⌉, 16] and scales [N·⌈K/32⌉]; per block the signed extreme maps to −8.</summary>
    private static Packed PackNBits(string name, float[] w, int k, int n)
    {
        const int blobBytes = NBitsBlockSize / 2;
        int blocks = (k + NBitsBlockSize - 1) / NBitsBlockSize;
        var bytes = new byte[n * blocks * blobBytes];
        var scales = new float[n * blocks];
        var codes = new int[NBitsBlockSize];
        for (var column = 0; column < n; column++)
        {
            for (var block = 0; block < blocks; block++)
            {
                int start = block * NBitsBlockSize, length = Math.Min(NBitsBlockSize, k - start);
                float extreme = 0f;
                for (var i = 0; i < length; i++)
                {
                    float v = w[(start + i) * n + column];
                    if (MathF.Abs(v) > MathF.Abs(extreme)) extreme = v;
                }
                float scale = extreme / -8f;
                float reciprocal = scale != 0f ? 1f / scale : 0f;
                Array.Fill(codes, 8); // padding past K dequantizes to 0
                for (var i = 0; i < length; i++)
                    codes[i] = (int)Math.Clamp(MathF.Round(w[(start + i) * n + column] * reciprocal) + 8f, 0f, 15f);
                int offset = (column * blocks + block) * blobBytes;
                for (var j = 0; j < blobBytes; j++)
                    bytes[offset + j] = (byte)(codes[2 * j] | (codes[2 * j + 1] << 4));
                scales[column * blocks + block] = scale;
            }
        }
        return new Packed(
            TensorFactory.Raw(name + "_Q4", ElementType.UInt8, [n, blocks, blobBytes], bytes),
            TensorFactory.Float(name + "_scales", [n * blocks], scales),
            [Attr.Int("K", k), Attr.Int("N", n), Attr.Int("bits", 4), Attr.Int("block_size", NBitsBlockSize)]);
    }

    /// <summary>W [K, N] → Wᵀ flattened in blocks of 64, each scaled by its absmax and rounded to the nearest NF4 level.</summary>
    private static Packed PackBnb4(string name, float[] w, int k, int n)
    {
        int count = k * n;
        int blocks = (count + Bnb4BlockSize - 1) / Bnb4BlockSize;
        var transposed = new float[count];
        for (var row = 0; row < k; row++)
            for (var column = 0; column < n; column++)
                transposed[column * k + row] = w[row * n + column];

        var absMax = new float[blocks];
        var codes = new byte[count];
        for (var block = 0; block < blocks; block++)
        {
            int start = block * Bnb4BlockSize, end = Math.Min(count, start + Bnb4BlockSize);
            float max = 0f;
            for (var i = start; i < end; i++) max = Math.Max(max, MathF.Abs(transposed[i]));
            absMax[block] = max;
            float reciprocal = max > 0f ? 1f / max : 0f;
            for (var i = start; i < end; i++) codes[i] = NearestNf4(transposed[i] * reciprocal);
        }
        var bytes = new byte[(count + 1) / 2];
        for (var i = 0; i < count; i += 2)
            bytes[i / 2] = (byte)((codes[i] << 4) | (i + 1 < count ? codes[i + 1] : 0));
        return new Packed(
            TensorFactory.Raw(name + "_Bnb4", ElementType.UInt8, [bytes.Length], bytes),
            TensorFactory.Float(name + "_absmax", [blocks], absMax),
            [Attr.Int("K", k), Attr.Int("N", n), Attr.Int("block_size", Bnb4BlockSize), Attr.Int("quant_type", Nf4QuantType)]);
    }

    private static byte NearestNf4(float value)
    {
        var best = 0;
        for (var i = 1; i < Nf4Levels.Length; i++)
            if (MathF.Abs(Nf4Levels[i] - value) < MathF.Abs(Nf4Levels[best] - value)) best = i;
        return (byte)best;
    }

    private sealed record Packed(TensorProto Values, TensorProto Scales, AttributeProto[] Attributes);
}
