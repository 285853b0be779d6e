using Florence2.Fixtures;
using Microsoft.ML.OnnxRuntime;

namespace Florence2.Tests.Fixtures;

/// <summary>The generated models expose exactly the onnx-community interface the engine binds to.</summary>
[Collection(TinyModelsCollection.Name)]
public sealed class FixtureModelMetadataTests(TinyModelsFixture models)
{
    private const int D = 16, H = 2, HeadDim = 8, V = 51289;

    /// <summary>(name, element type, dims): an int is a fixed dim, a string the expected dim_param.</summary>
    private sealed record Expected(string Name, Type ElementType, params object[] Dims);

    [Fact]
    public void VisionEncoder_HasPixelValuesInAndImageFeaturesOut()
    {
        AssertInterface(FixtureModelWriter.VisionEncoderFile,
            [new("pixel_values", typeof(float), "batch_size", 3, "height", "width")],
            [new("image_features", typeof(float), "batch_size", 577, D)]);
    }

    [Fact]
    public void EmbedTokens_MapsInputIdsToInputsEmbeds()
    {
        AssertInterface(FixtureModelWriter.EmbedTokensFile,
            [new("input_ids", typeof(long), "batch_size", "sequence_length")],
            [new("inputs_embeds", typeof(float), "batch_size", "sequence_length", D)]);
    }

    [Fact]
    public void Encoder_TakesEmbedsAndMask()
    {
        AssertInterface(FixtureModelWriter.EncoderFile,
            [
                new("inputs_embeds", typeof(float), "batch_size", "encoder_sequence_length", D),
                new("attention_mask", typeof(long), "batch_size", "encoder_sequence_length"),
            ],
            [new("last_hidden_state", typeof(float), "batch_size", "encoder_sequence_length", D)]);
    }

    [Fact]
    public void MergedDecoder_HasOptimumInputsAndOutputsInOrder()
    {
        var inputs = new List<Expected>
        {
            new("inputs_embeds", typeof(float), "batch_size", "decoder_sequence_length", D),
            new("encoder_hidden_states", typeof(float), "batch_size", "encoder_sequence_length", D),
            new("encoder_attention_mask", typeof(long), "batch_size", "encoder_sequence_length"),
            new("use_cache_branch", typeof(bool), 1),
        };
        var outputs = new List<Expected> { new("logits", typeof(float), "batch_size", "decoder_sequence_length", V) };
        for (var i = 0; i < 2; i++)
        {
            foreach (var part in new[] { "key", "value" })
            {
                inputs.Add(new($"past_key_values.{i}.decoder.{part}", typeof(float), "batch_size", H, "past_decoder_sequence_length", HeadDim));
                outputs.Add(new($"present.{i}.decoder.{part}", typeof(float), "batch_size", H, "past_decoder_sequence_length + 1", HeadDim));
            }
            foreach (var part in new[] { "key", "value" })
            {
                inputs.Add(new($"past_key_values.{i}.encoder.{part}", typeof(float), "batch_size", H, "encoder_sequence_length_out", HeadDim));
                outputs.Add(new($"present.{i}.encoder.{part}", typeof(float), "batch_size", H, "encoder_sequence_length_out", HeadDim));
            }
        }
        AssertInterface(FixtureModelWriter.DecoderMergedFile, inputs, outputs);
    }

    private void AssertInterface(string file, IReadOnlyList<Expected> inputs, IReadOnlyList<Expected> outputs)
    {
        using var model = new OrtModel(TinyModelsFixture.ModelPath(models.TinyDirectory, file));
        AssertMetadata(inputs, model.Session.InputNames, model.Session.InputMetadata);
        AssertMetadata(outputs, model.Session.OutputNames, model.Session.OutputMetadata);
    }

    private static void AssertMetadata(IReadOnlyList<Expected> expected, IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        Assert.Equal(expected.Select(e => e.Name), names);
        foreach (var e in expected)
        {
            var actual = metadata[e.Name];
            Assert.Equal(e.ElementType, actual.ElementType);
            Assert.Equal(e.Dims.Length, actual.Dimensions.Length);
            for (var axis = 0; axis < e.Dims.Length; axis++)
            {
                if (e.Dims[axis] is int size)
                    Assert.True(size == actual.Dimensions[axis], $"{e.Name} axis {axis}: expected {size}, got {actual.Dimensions[axis]}");
                else
                    Assert.True((string)e.Dims[axis] == actual.SymbolicDimensions[axis],
                        $"{e.Name} axis {axis}: expected '{e.Dims[axis]}', got '{actual.SymbolicDimensions[axis]}' ({actual.Dimensions[axis]})");
            }
        }
    }
}
