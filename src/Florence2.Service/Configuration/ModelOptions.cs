using System.ComponentModel.DataAnnotations;

namespace Florence2.Service.Configuration;

/// <summary>Which model to serve (<c>Florence2:Model</c>).</summary>
public sealed class ModelOptions
{
    public const string Section = "Florence2:Model";

    /// <summary>
    /// A local model folder in the onnx-community layout (config files + <c>onnx/*.onnx</c>).
    /// Env: <c>Florence2__Model__Path</c>.
    /// </summary>
    [Required(ErrorMessage = "Florence2:Model:Path (env Florence2__Model__Path) must name a model folder in the onnx-community layout.")]
    public string Path { get; set; } = "";

    /// <summary>
    /// Weight precision: <c>fp32</c> (default), <c>fp16</c>, <c>q8</c>, <c>int8</c>, <c>uint8</c>, <c>q4</c>, <c>q4f16</c>,
    /// <c>bnb4</c>, or per component, e.g. <c>fp16;decoder_model_merged=q4</c>.
    /// </summary>
    public string Dtype { get; set; } = "fp32";

    /// <summary>Name reported in responses; defaults to the folder name.</summary>
    public string? Id { get; set; }
}
