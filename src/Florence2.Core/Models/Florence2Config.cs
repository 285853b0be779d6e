using System.Text.Json;
using System.Text.Json.Nodes;
using Florence2.Generation;

namespace Florence2.Models;

/// <summary>
/// The numbers inference needs from config.json, generation_config.json and preprocessor_config.json. Generation
/// defaults are layered as transformers.js does: top-level config, then text_config, then generation_config.json.
/// </summary>
public sealed record Florence2Config
{
    public required int VocabSize { get; init; }
    public required int DModel { get; init; }
    public required int EncoderLayers { get; init; }
    public required int DecoderLayers { get; init; }
    public required int DecoderAttentionHeads { get; init; }
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>Image tokens the vision encoder emits (config <c>num_image_tokens</c> or preprocessor <c>image_seq_length</c>).</summary>
    public required int ImageTokens { get; init; }

    /// <summary>Width and height every image is stretched to (preprocessor_config.json <c>size</c>; 768×768).</summary>
    public required (int Width, int Height) ImageSize { get; init; }

    public required SpecialTokenIds Tokens { get; init; }

    /// <summary>Defaults for a request that does not say otherwise (num_beams, no_repeat_ngram_size, …).</summary>
    public required GenerationSettings GenerationDefaults { get; init; }

    /// <exception cref="ModelLoadException">A file is malformed or lacks a required key.</exception>
    public static Florence2Config Load(string root)
    {
        string configPath = Path.Combine(root, "config.json");
        var config = ReadObject(configPath);
        var text = config["text_config"] as JsonObject
            ?? throw new ModelLoadException($"'{configPath}' has no text_config object.", configPath);
        var generation = File.Exists(Path.Combine(root, "generation_config.json"))
            ? ReadObject(Path.Combine(root, "generation_config.json"))
            : new JsonObject();
        var preprocessor = ReadObject(Path.Combine(root, "preprocessor_config.json"));

        // Later layers win: config top level < text_config < generation_config.json.
        var layers = new[] { config, text, generation };
        int Int(string key, int fallback) => layers.Reverse().Select(l => ReadInt(l, key)).FirstOrDefault(v => v is not null) ?? fallback;
        int? OptionalInt(string key) => layers.Reverse().Select(l => ReadInt(l, key)).FirstOrDefault(v => v is not null);
        bool Bool(string key, bool fallback) => layers.Reverse().Select(l => l[key]?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? l[key]!.GetValue<bool>() : (bool?)null).FirstOrDefault(v => v is not null) ?? fallback;
        double Double(string key, double fallback) => layers.Reverse().Select(l => l[key]?.GetValueKind() == JsonValueKind.Number ? l[key]!.GetValue<double>() : (double?)null).FirstOrDefault(v => v is not null) ?? fallback;

        int RequiredText(string key) => ReadInt(text, key)
            ?? throw new ModelLoadException($"'{configPath}' text_config has no integer '{key}'.", configPath);

        int eos = Int("eos_token_id", 2);
        var tokens = new SpecialTokenIds(
            DecoderStart: Int("decoder_start_token_id", eos),
            Bos: Int("bos_token_id", 0),
            Eos: eos,
            Pad: Int("pad_token_id", 1),
            ForcedBos: OptionalInt("forced_bos_token_id"),
            ForcedEos: OptionalInt("forced_eos_token_id"));

        var defaults = new GenerationSettings
        {
            NumBeams = Int("num_beams", 1),
            NoRepeatNgramSize = Int("no_repeat_ngram_size", 0),
            EarlyStopping = Bool("early_stopping", false),
            LengthPenalty = Double("length_penalty", 1.0),
        };

        return new Florence2Config
        {
            VocabSize = ReadInt(config, "vocab_size") ?? RequiredText("vocab_size"),
            DModel = RequiredText("d_model"),
            EncoderLayers = RequiredText("encoder_layers"),
            DecoderLayers = RequiredText("decoder_layers"),
            DecoderAttentionHeads = RequiredText("decoder_attention_heads"),
            MaxPositionEmbeddings = RequiredText("max_position_embeddings"),
            ImageTokens = ReadInt(config, "num_image_tokens") ?? ReadInt(preprocessor, "image_seq_length") ?? 577,
            ImageSize = ReadSize(preprocessor),
            Tokens = tokens,
            GenerationDefaults = defaults,
        };
    }

    private static (int Width, int Height) ReadSize(JsonObject preprocessor)
    {
        var size = preprocessor["size"] as JsonObject;
        int width = size is null ? 768 : ReadInt(size, "width") ?? ReadInt(size, "shortest_edge") ?? 768;
        int height = size is null ? 768 : ReadInt(size, "height") ?? ReadInt(size, "shortest_edge") ?? 768;
        return (width, height);
    }

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ModelLoadException($"'{path}' is not a JSON object.", path);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException($"'{path}' is not valid JSON: {ex.Message}", path, ex);
        }
        catch (IOException ex)
        {
            throw new ModelLoadException($"'{path}' could not be read: {ex.Message}", path, ex);
        }
    }

    private static int? ReadInt(JsonObject obj, string key) =>
        obj[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int i) ? i : null;
}
