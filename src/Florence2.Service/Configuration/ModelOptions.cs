namespace Florence2.Service.Configuration;

/// <summary>
/// Which model to serve (<c>Florence2:Model</c>). The download settings of the same section (Repository, Revision,
/// HubUrl, Token, CacheDir, Dtype) bind to <see cref="Florence2.Provisioning.ModelSourceOptions"/>.
/// </summary>
public sealed class ModelOptions
{
    public const string Section = "Florence2:Model";

    /// <summary>
    /// A local model folder in the onnx-community layout (config files + <c>onnx/*.onnx</c>); when set, nothing is
    /// downloaded. Empty (default): the repository is fetched into the cache like <c>from_pretrained</c>.
    /// Env: <c>Florence2__Model__Path</c>.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Name reported in responses; defaults to the folder name (or the repository name).</summary>
    public string? Id { get; set; }
}
