namespace Florence2.Models;

/// <summary>
/// A Florence-2 model folder in the onnx-community layout: config files and tokenizer at the top, the ONNX graphs
/// under <c>onnx/</c> with a dtype suffix. Opening checks that every file the engine needs is there.
/// </summary>
public sealed class ModelFolder
{
    private static readonly string[] RequiredTopLevelFiles =
        ["config.json", "preprocessor_config.json", "vocab.json", "merges.txt", "added_tokens.json"];

    private ModelFolder(string root, ModelPrecision precision, Florence2Config config)
    {
        Root = root;
        Precision = precision;
        Config = config;
    }

    public string Root { get; }
    public ModelPrecision Precision { get; }
    public Florence2Config Config { get; }

    /// <summary>A short name for logs and responses: the folder name.</summary>
    public string Id => new DirectoryInfo(Root).Name;

    public string PathOf(ModelComponent component) => Path.Combine(Root, "onnx", Precision.FileNameOf(component));

    public string PreprocessorConfigPath => Path.Combine(Root, "preprocessor_config.json");

    /// <exception cref="ModelLoadException">The folder or one of its files is missing or unreadable.</exception>
    public static ModelFolder Open(string root, ModelPrecision? precision = null)
    {
        precision ??= ModelPrecision.Fp32;
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new ModelLoadException($"Model folder '{root}' does not exist.", root);
        foreach (string name in RequiredTopLevelFiles)
        {
            string path = System.IO.Path.Combine(root, name);
            if (!File.Exists(path))
                throw new ModelLoadException($"Model folder '{root}' has no '{name}' (onnx-community layout expected).", path);
        }
        foreach (var component in ModelComponentNames.All)
        {
            string path = System.IO.Path.Combine(root, "onnx", precision.FileNameOf(component));
            if (!File.Exists(path))
                throw new ModelLoadException(
                    $"Model file 'onnx/{precision.FileNameOf(component)}' is missing from '{root}' " +
                    $"(component {component.FileBaseName()}, dtype {precision.DtypeOf(component)}).", path);
        }
        var config = Florence2Config.Load(root);
        return new ModelFolder(root, precision, config);
    }
}
