using Florence2.Models;

namespace Florence2.Provisioning;

/// <summary>
/// The files a model folder needs for one <see cref="ModelPrecision"/>, as paths relative to the folder with <c>/</c>
/// separators (the same paths the hub serves). The ONNX names come from <see cref="ModelPrecision.FileNameOf"/> so a new
/// dtype or component needs no change here.
/// </summary>
public static class ModelFileSet
{
    /// <summary>Config and tokenizer files at the top of an onnx-community Florence-2 repository.</summary>
    public static IReadOnlyList<string> TopLevelFiles { get; } =
    [
        "config.json", "generation_config.json", "preprocessor_config.json",
        "vocab.json", "merges.txt", "added_tokens.json",
        "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
    ];

    /// <summary>Top-level files first (small, and they fail fast on a wrong repository), then the ONNX graphs.</summary>
    public static IReadOnlyList<string> For(ModelPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(precision);
        return
        [
            .. TopLevelFiles,
            .. ModelComponentNames.All.Select(c => "onnx/" + precision.FileNameOf(c)).Distinct(StringComparer.Ordinal),
        ];
    }
}
