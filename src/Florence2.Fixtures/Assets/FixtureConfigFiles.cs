using System.Text.Json;
using System.Text.Json.Nodes;

namespace Florence2.Fixtures.Assets;

/// <summary>Copies the real config/tokenizer files into a model folder, with config.json patched to the fixture's dims.</summary>
internal static class FixtureConfigFiles
{
    public const string ConfigFile = "config.json";

    /// <summary>Copied byte-for-byte: the fixture uses the real tokenizer and generation settings.</summary>
    public static readonly IReadOnlyList<string> VerbatimFiles =
    [
        "generation_config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
        "vocab.json", "merges.txt", "added_tokens.json", "special_tokens_map.json",
    ];

    public static void Write(FixtureModelSpec spec, string assetsDirectory, string outputDirectory)
    {
        foreach (var file in VerbatimFiles.Append(ConfigFile))
        {
            if (!File.Exists(Path.Combine(assetsDirectory, file)))
                throw new FileNotFoundException($"The assets folder '{assetsDirectory}' lacks {file}.", Path.Combine(assetsDirectory, file));
        }
        foreach (var file in VerbatimFiles)
            File.Copy(Path.Combine(assetsDirectory, file), Path.Combine(outputDirectory, file), overwrite: true);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(assetsDirectory, ConfigFile)))!.AsObject();
        Patch(config, spec);
        File.WriteAllText(Path.Combine(outputDirectory, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void Patch(JsonObject config, FixtureModelSpec spec)
    {
        var text = config["text_config"]?.AsObject() ?? throw new InvalidDataException("config.json has no text_config object.");
        text["d_model"] = spec.DModel;
        text["encoder_layers"] = spec.EncoderLayers;
        text["decoder_layers"] = spec.DecoderLayers;
        text["encoder_attention_heads"] = spec.EncoderAttentionHeads;
        text["decoder_attention_heads"] = spec.DecoderAttentionHeads;
        text["encoder_ffn_dim"] = spec.EncoderFfnDim;
        text["decoder_ffn_dim"] = spec.DecoderFfnDim;
        text["max_position_embeddings"] = spec.MaxPositionEmbeddings;
        // num_hidden_layers mirrors encoder_layers in BART configs; keep it consistent.
        if (text.ContainsKey("num_hidden_layers")) text["num_hidden_layers"] = spec.EncoderLayers;

        config["projection_dim"] = spec.DModel;
        var vision = config["vision_config"]?.AsObject() ?? throw new InvalidDataException("config.json has no vision_config object.");
        vision["projection_dim"] = spec.DModel;
        config["num_image_tokens"] = spec.NumImageTokens;
    }
}
