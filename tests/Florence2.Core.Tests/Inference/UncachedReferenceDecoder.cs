using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Florence2.Tests.Inference;

/// <summary>
/// The slow, obviously-correct decode the engine must agree with: every step re-runs the merged decoder's no-cache
/// branch on each row's WHOLE prefix (no KV cache, no IOBinding, managed arrays only) and hands the last position's
/// logits to the same search strategy.
/// </summary>
public sealed class UncachedReferenceDecoder : IDisposable
{
    private readonly ModelSessions _sessions;
    private readonly Florence2Engine _engine;

    public UncachedReferenceDecoder(Florence2Engine engine)
    {
        _engine = engine;
        _sessions = ModelSessions.Load(engine.Model, () => new SessionOptions(), rewriteForContinuousBatching: false);
    }

    public IReadOnlyList<int> Decode(IPixelSource image, string prompt, GenerationSettings settings)
    {
        var dims = _sessions.Dimensions;
        var (states, mask) = Encode(image, prompt);
        int sequence = mask.Length;
        var search = SequenceSearch.Create(settings, _engine.Model.Config.Tokens, _engine.MaxDecoderLength(settings));
        var prefixes = new List<List<long>> { new() };
        while (!search.IsDone)
        {
            int rows = search.RowCount;
            var last = new long[rows];
            search.WriteNextInputTokens(last);
            for (int r = 0; r < rows; r++) prefixes[r].Add(last[r]);
            int length = prefixes[0].Count;

            var ids = prefixes.SelectMany(p => p).ToArray();
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows, length]);
            using var embedded = _sessions.Embed.Run(new RunOptions(), ["input_ids"], [idsValue], ["inputs_embeds"]);
            var inputs = new Dictionary<string, OrtValue>
            {
                ["inputs_embeds"] = embedded[0],
                ["encoder_hidden_states"] = OrtValue.CreateTensorValueFromMemory(Repeat(states, rows), [rows, sequence, dims.HiddenSize]),
                ["encoder_attention_mask"] = OrtValue.CreateTensorValueFromMemory(Repeat(mask, rows), [rows, sequence]),
                ["use_cache_branch"] = OrtValue.CreateTensorValueFromMemory(new[] { false }, [1]),
            };
            foreach (string name in _sessions.Decoder.InputMetadata.Keys.Where(k => k.StartsWith("past_key_values.", StringComparison.Ordinal)))
                inputs[name] = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [rows, dims.DecoderHeads, 0, dims.HeadDim]);
            using var outputs = _sessions.Decoder.Run(new RunOptions(), inputs, ["logits"]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            int vocab = dims.VocabSize;
            var lastPosition = new float[rows * vocab];
            for (int r = 0; r < rows; r++)
                logits.Slice(((r * length) + length - 1) * vocab, vocab).CopyTo(lastPosition.AsSpan(r * vocab));
            foreach (var (name, value) in inputs.Where(p => p.Key != "inputs_embeds")) value.Dispose();

            var parents = new int[Math.Max(rows, settings.NumBeams)];
            int next = search.Advance(lastPosition, vocab, parents);
            prefixes = Enumerable.Range(0, next).Select(j => new List<long>(prefixes[parents[j]])).ToList();
        }
        return search.Result;
    }

    private (float[] States, long[] Mask) Encode(IPixelSource image, string prompt)
    {
        var (width, height) = _engine.Model.Config.ImageSize;
        var pixels = new float[3 * width * height];
        image.WritePixelValues(pixels, width, height);
        using var pixelValue = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, height, width]);
        using var features = _sessions.Vision.Run(new RunOptions(), ["pixel_values"], [pixelValue], ["image_features"]);
        long[] ids = _engine.Tokenizer.EncodePrompt(prompt).Select(i => (long)i).ToArray();
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var text = _sessions.Embed.Run(new RunOptions(), ["input_ids"], [idsValue], ["inputs_embeds"]);
        float[] joined = [.. features[0].GetTensorDataAsSpan<float>(), .. text[0].GetTensorDataAsSpan<float>()];
        int sequence = joined.Length / _sessions.Dimensions.HiddenSize;
        var mask = Enumerable.Repeat(1L, sequence).ToArray();
        using var joinedValue = OrtValue.CreateTensorValueFromMemory(joined, [1, sequence, _sessions.Dimensions.HiddenSize]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, sequence]);
        using var states = _sessions.Encoder.Run(new RunOptions(), ["inputs_embeds", "attention_mask"], [joinedValue, maskValue], ["last_hidden_state"]);
        return (states[0].GetTensorDataAsSpan<float>().ToArray(), mask);
    }

    private static T[] Repeat<T>(T[] row, int times)
    {
        var result = new T[row.Length * times];
        for (int i = 0; i < times; i++) row.CopyTo(result, i * row.Length);
        return result;
    }

    public void Dispose() => _sessions.Dispose();
}
