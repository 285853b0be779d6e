using Florence2.Fixtures;
using Florence2.Fixtures.Quantization;
using Onnx;
using Xunit.Abstractions;

namespace Florence2.Tests.Fixtures;

/// <summary>
/// Each weight variant the fixture writer produces loads in ONNX Runtime's CPU provider, is built from the ops the hub's
/// files use, and computes what the fp32 graph computes within what its quantisation allows.
/// </summary>
public sealed class WeightVariantTests(ITestOutputHelper output)
{
    private const int D = 16;

    public static TheoryData<string> Variants => new(WeightVariants.All);

    /// <summary>
    /// ‖variant − fp32‖ / ‖fp32‖ allowed per component output: about 2× the worst measured on the tiny fixture
    /// (fp16 7.5e-4, 8-bit 9.0e-3, q4/q4f16 0.12, bnb4 0.20 — all on the decoder's logits). float16 rounds at 2⁻¹¹; 8-bit
    /// dynamic quantisation rounds weights and activations to 1/255 of their range; 4-bit blocks round weights to
    /// 1/15 (q4) or to NF4 levels (bnb4) of each block's extreme.
    /// </summary>
    private static readonly Dictionary<string, double> Tolerance = new()
    {
        ["fp16"] = 0.002, ["q8"] = 0.02, ["int8"] = 0.02, ["uint8"] = 0.02, ["q4"] = 0.25, ["q4f16"] = 0.25, ["bnb4"] = 0.4,
    };

    [Theory, MemberData(nameof(Variants))]
    public void Every_component_stays_close_to_fp32_but_is_not_a_copy_of_it(string variant)
    {
        string folder = TestModels.TinyWithVariants;
        var errors = new Dictionary<string, double>
        {
            ["vision_encoder"] = Compare(folder, "vision_encoder", variant, "image_features",
                inputs => inputs.Float("pixel_values", FloatTensor.Random(new Random(1), 1, 3, 768, 768))),
            ["embed_tokens"] = Compare(folder, "embed_tokens", variant, "inputs_embeds",
                inputs => inputs.Int64("input_ids", [0, 713, 16, 10, 50269, 2], 1, 6)),
            ["encoder_model"] = Compare(folder, "encoder_model", variant, "last_hidden_state",
                inputs => inputs.Float("inputs_embeds", FloatTensor.Random(new Random(2), 1, 40, D)).Int64("attention_mask", Ones(40), 1, 40)),
        };
        var (first, cached) = CompareDecoder(folder, variant);
        errors["decoder step 0"] = first;
        errors["decoder cached step"] = cached;

        foreach (var (component, error) in errors)
        {
            output.WriteLine($"{variant} {component}: {error:G3}");
            Assert.True(error < Tolerance[variant], $"{variant} {component}: relative error {error:G3} ≥ {Tolerance[variant]}");
            // Zero would mean the variant file holds the fp32 graph (embed_tokens keeps its float table under q4/bnb4).
            if (component != "embed_tokens" || variant is not ("q4" or "bnb4"))
                Assert.True(error > 1e-6, $"{variant} {component}: identical to fp32");
        }
    }

    [Theory]
    [InlineData("fp16", "Float16", null)]
    [InlineData("q8", "DynamicQuantizeLinear", "ConvInteger")]
    [InlineData("int8", "ConvInteger", "DequantizeLinear")]
    [InlineData("uint8", "ConvInteger", "MatMulInteger")]
    [InlineData("q4", "MatMulNBits", null)]
    [InlineData("q4f16", "MatMulNBits", "Float16")]
    [InlineData("bnb4", "MatMulBnb4", null)]
    public void Variants_are_made_of_the_ops_the_hubs_quantizers_emit(string variant, string expected, string? alsoExpected)
    {
        var ops = new HashSet<string>();
        var elementTypes = new HashSet<string>();
        foreach (string component in new[] { "vision_encoder", "embed_tokens", "encoder_model", "decoder_model_merged" })
        {
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(TestModels.TinyWithVariants, "onnx", WeightVariants.FileName(component, variant))));
            ops.UnionWith(AllNodes(model.Graph).Select(n => n.OpType));
            elementTypes.UnionWith(model.Graph.Initializer.Select(t => ((TensorProto.Types.DataType)t.DataType).ToString()));
            // No MatMul on a float weight survives (attention's activation × activation MatMuls do).
            var floatWeights = model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float).Select(t => t.Name).ToHashSet();
            Assert.DoesNotContain(AllNodes(model.Graph), n => n.OpType == "MatMul" && floatWeights.Contains(n.Input[1]));
            if (variant is "fp16" or "q4f16") Assert.Empty(floatWeights);
            // Callers keep float32 in and out (keep_io_types), whatever the weights are.
            Assert.All(model.Graph.Input.Concat(model.Graph.Output), value =>
                Assert.NotEqual((int)TensorProto.Types.DataType.Float16, value.Type.TensorType.ElemType));
        }
        Assert.Contains(expected, ops.Concat(elementTypes));
        if (alsoExpected is not null) Assert.Contains(alsoExpected, ops.Concat(elementTypes));
    }

    [Fact]
    public void Fp16_and_8_bit_tables_are_half_and_a_quarter_of_fp32()
    {
        long Size(string file) => new FileInfo(Path.Combine(TestModels.TinyWithVariants, "onnx", file)).Length;
        long embedFp32 = Size("embed_tokens.onnx");
        // The embedding table is most of embed_tokens: halved in fp16, quartered by 8-bit Gather quantisation.
        Assert.InRange(Size("embed_tokens_fp16.onnx"), embedFp32 * 0.45, embedFp32 * 0.55);
        Assert.InRange(Size("embed_tokens_int8.onnx"), embedFp32 * 0.2, embedFp32 * 0.3);
        Assert.InRange(Size("embed_tokens_uint8.onnx"), embedFp32 * 0.2, embedFp32 * 0.3);
        // (4-bit files are not smaller on the tiny model: its float tables, which q4 and bnb4 keep, outweigh the 16×16 MatMuls.)
    }

    [Fact]
    public void An_unknown_variant_is_refused_with_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => (FixtureModelSpec.Tiny with { Variants = ["q3"] }).Validate());
        Assert.Contains("q4f16", ex.Message);
        Assert.NotEqual(FixtureModelSpec.Tiny.Fingerprint, FixtureModelSpec.Tiny.WithAllVariants().Fingerprint);
    }

    private static double Compare(string folder, string component, string variant, string output, Action<OrtInputs> fill)
    {
        using var reference = new OrtModel(TinyModelsFixture.ModelPath(folder, component + ".onnx"));
        using var quantized = new OrtModel(TinyModelsFixture.ModelPath(folder, WeightVariants.FileName(component, variant)));
        using var inputs = new OrtInputs();
        fill(inputs);
        var expected = reference.Run(inputs)[output];
        var actual = quantized.Run(inputs)[output];
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.All(actual.Data, v => Assert.True(float.IsFinite(v)));
        return FloatTensor.RelativeError(expected.Data, actual.Data);
    }

    /// <summary>Step 0 (no cache) and one cached step, each model fed its own presents as the engine would.</summary>
    private static (double First, double Cached) CompareDecoder(string folder, string variant)
    {
        var spec = FixtureModelSpec.Tiny;
        using var reference = new DecoderHarness(folder, spec);
        using var quantized = new DecoderHarness(folder, spec, variant);
        // 577 image tokens + 13 prompt tokens, as the engine feeds: the prompt heads' routing needs the real layout.
        const int length = FixtureModelSpec.FlorenceImageTokens + 13;
        var states = FloatTensor.Random(new Random(3), 1, length, D);
        long[] mask = Ones(length);

        var referenceFirst = reference.RunWithoutCache([DecoderHarness.DecoderStartTokenId], states, mask);
        var quantizedFirst = quantized.RunWithoutCache([DecoderHarness.DecoderStartTokenId], states, mask);
        var referenceNext = reference.RunWithCache(713, states, mask, reference.NextPasts(referenceFirst, referenceFirst));
        var quantizedNext = quantized.RunWithCache(713, states, mask, quantized.NextPasts(quantizedFirst, quantizedFirst));
        return (FloatTensor.RelativeError(referenceFirst.Logits.Data, quantizedFirst.Logits.Data),
            FloatTensor.RelativeError(referenceNext.Logits.Data, quantizedNext.Logits.Data));
    }

    private static long[] Ones(int n) => Enumerable.Repeat(1L, n).ToArray();

    private static IEnumerable<NodeProto> AllNodes(GraphProto graph) =>
        graph.Node.Concat(graph.Node.SelectMany(n => n.Attribute).Where(a => a.G is not null).SelectMany(a => AllNodes(a.G)));
}
