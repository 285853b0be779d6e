using Florence2.Fixtures;
using Florence2.Fixtures.Quantization;
using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Tests.Inference;

/// <summary>
/// fp16 files exported without keep_io_types (float16 inputs and outputs, spec §2.4) load behind a float32 boundary
/// made in memory, and decode exactly what the hub's keep_io_types fp16 files of the same weights decode — with the
/// merged decoder as it is and rewritten for continuous batching.
/// </summary>
public sealed class Float16IoEngineTests
{
    private static readonly string KeepIo = TestModels.TinyWithVariants;
    private static readonly string Float16Io = TestModels.Of(FixtureModelSpec.Tiny with { Variants = [WeightVariants.Float16Io] });

    [Fact]
    public void The_fixture_files_really_read_and_write_float16()
    {
        using var decoder = new InferenceSession(Path.Combine(Float16Io, "onnx", "decoder_model_merged_fp16.onnx"));
        Assert.Equal(TensorElementType.Float16, decoder.InputMetadata["encoder_hidden_states"].ElementDataType);
        Assert.Equal(TensorElementType.Float16, decoder.OutputMetadata["logits"].ElementDataType);
        using var vision = new InferenceSession(Path.Combine(Float16Io, "onnx", "vision_encoder_fp16.onnx"));
        Assert.Equal(TensorElementType.Float16, vision.InputMetadata["pixel_values"].ElementDataType);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    public void They_decode_what_the_keep_io_types_files_decode(int beams, bool continuousDecoding)
    {
        var settings = new GenerationSettings { NumBeams = beams, IgnoreEos = true, MaxNewTokens = 12 };
        var requests = Enumerable.Range(0, 3).Select(i => new EngineRequest
        {
            Image = new SyntheticPixels(60 + i),
            Prompt = i == 0 ? "What does the image describe?" : "Locate the objects with category name in the image.",
            Generation = settings,
        }).ToArray();

        var expected = Decode(KeepIo, requests, continuousDecoding: false);
        var actual = Decode(Float16Io, requests, continuousDecoding);

        Assert.Equal(expected, actual);
    }

    private static IReadOnlyList<int>[] Decode(string folder, EngineRequest[] requests, bool continuousDecoding)
    {
        using var pool = Florence2EnginePool.Create(ModelFolder.Open(folder, ModelPrecision.Parse("fp16")),
            new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance, continuousDecoding: continuousDecoding);
        Assert.Equal(continuousDecoding, pool.Primary.ContinuousDecoding);
        return [.. pool.Primary.RunBatch(requests).Select(o =>
        {
            Assert.True(o.Status == EngineOutcomeStatus.Completed, $"{o.Status}: {o.Error}");
            return o.Result!.TokenIds;
        })];
    }
}
