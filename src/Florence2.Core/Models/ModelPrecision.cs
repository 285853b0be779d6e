namespace Florence2.Models;

/// <summary>
/// Which weight variant to load per component, as transformers.js names them (<c>fp32</c>, <c>fp16</c>, <c>q8</c>,
/// <c>int8</c>, <c>uint8</c>, <c>q4</c>, <c>q4f16</c>, <c>bnb4</c>). Mixing is allowed because every variant keeps
/// float32 inputs and outputs (spec §2.4).
/// </summary>
public sealed class ModelPrecision
{
    private static readonly Dictionary<string, string> SuffixByDtype = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fp32"] = "",
        ["fp16"] = "_fp16",
        ["q8"] = "_quantized",
        ["int8"] = "_int8",
        ["uint8"] = "_uint8",
        ["q4"] = "_q4",
        ["q4f16"] = "_q4f16",
        ["bnb4"] = "_bnb4",
    };

    private readonly Dictionary<ModelComponent, string> _dtypes;

    private ModelPrecision(Dictionary<ModelComponent, string> dtypes) => _dtypes = dtypes;

    /// <summary>All components in float32 (the default).</summary>
    public static ModelPrecision Fp32 { get; } = Parse("fp32");

    public static IReadOnlyCollection<string> KnownDtypes => SuffixByDtype.Keys;

    public string DtypeOf(ModelComponent component) => _dtypes[component];

    public string FileNameOf(ModelComponent component) =>
        component.FileBaseName() + SuffixByDtype[_dtypes[component]] + ".onnx";

    /// <summary>
    /// Parses <c>fp16</c> (every component) or a per-component list such as
    /// <c>fp32;decoder_model_merged=q4;encoder_model=q4</c> (first bare value is the default; separators ; or ,).
    /// </summary>
    /// <exception cref="FormatException">Unknown dtype or component, with the accepted values in the message.</exception>
    public static ModelPrecision Parse(string? specification)
    {
        string defaultDtype = "fp32";
        var overrides = new Dictionary<ModelComponent, string>();
        foreach (string rawPart in (specification ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = rawPart.IndexOf('=');
            if (eq < 0)
            {
                defaultDtype = RequireDtype(rawPart);
                continue;
            }
            string name = rawPart[..eq].Trim();
            if (!ModelComponentNames.TryParse(name, out var component))
                throw new FormatException(
                    $"Unknown model component '{name}' in dtype '{specification}'. Components: " +
                    string.Join(", ", ModelComponentNames.All.Select(c => c.FileBaseName())) + ".");
            overrides[component] = RequireDtype(rawPart[(eq + 1)..].Trim());
        }
        var dtypes = ModelComponentNames.All.ToDictionary(c => c, c => overrides.GetValueOrDefault(c, defaultDtype));
        return new ModelPrecision(dtypes);
    }

    public override string ToString()
    {
        var distinct = _dtypes.Values.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return distinct.Count == 1
            ? distinct[0]
            : string.Join(";", _dtypes.Select(p => $"{p.Key.FileBaseName()}={p.Value}"));
    }

    private static string RequireDtype(string dtype)
    {
        if (SuffixByDtype.ContainsKey(dtype)) return dtype.ToLowerInvariant();
        throw new FormatException($"Unknown dtype '{dtype}'. Known: {string.Join(", ", SuffixByDtype.Keys)}.");
    }
}
