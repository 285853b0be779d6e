namespace Florence2.Models;

/// <summary>The four ONNX graphs of the onnx-community export that inference uses.</summary>
public enum ModelComponent
{
    VisionEncoder,
    EmbedTokens,
    Encoder,
    DecoderMerged,
}

/// <summary>File base names of the components inside the model folder's <c>onnx/</c> directory.</summary>
public static class ModelComponentNames
{
    public static IReadOnlyList<ModelComponent> All { get; } =
        [ModelComponent.VisionEncoder, ModelComponent.EmbedTokens, ModelComponent.Encoder, ModelComponent.DecoderMerged];

    public static string FileBaseName(this ModelComponent component) => component switch
    {
        ModelComponent.VisionEncoder => "vision_encoder",
        ModelComponent.EmbedTokens => "embed_tokens",
        ModelComponent.Encoder => "encoder_model",
        ModelComponent.DecoderMerged => "decoder_model_merged",
        _ => throw new ArgumentOutOfRangeException(nameof(component)),
    };

    public static bool TryParse(string fileBaseName, out ModelComponent component)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.FileBaseName(), fileBaseName, StringComparison.OrdinalIgnoreCase))
            {
                component = candidate;
                return true;
            }
        }
        component = default;
        return false;
    }
}
