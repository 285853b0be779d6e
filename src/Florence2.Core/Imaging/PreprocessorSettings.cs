using System.Text.Json;

namespace Florence2.Imaging;

/// <summary>
/// The numbers that turn an RGB image into Florence-2's <c>pixel_values</c>: the fixed resize target, the rescale factor and
/// the per-channel ImageNet mean/std (spec §3.3, §4). Read from the checkpoint's <c>preprocessor_config.json</c>.
/// </summary>
public sealed record PreprocessorSettings
{
    /// <summary>Width every image is stretched to (<c>size.width</c>, 768 for all Florence-2 checkpoints).</summary>
    public int TargetWidth { get; init; } = 768;

    /// <summary>Height every image is stretched to (<c>size.height</c>, 768 for all Florence-2 checkpoints).</summary>
    public int TargetHeight { get; init; } = 768;

    /// <summary>Multiplier from 0..255 to 0..1 (<c>rescale_factor</c>); HF and transformers.js default it to 1/255 when absent.</summary>
    public double RescaleFactor { get; init; } = 1.0 / 255.0;

    /// <summary>Per-channel mean in R, G, B order (<c>image_mean</c>).</summary>
    public IReadOnlyList<double> ImageMean { get; init; } = [0.485, 0.456, 0.406];

    /// <summary>Per-channel standard deviation in R, G, B order (<c>image_std</c>).</summary>
    public IReadOnlyList<double> ImageStd { get; init; } = [0.229, 0.224, 0.225];

    /// <summary>The values every published Florence-2 preprocessor_config.json carries: 768×768, 1/255, ImageNet mean/std.</summary>
    public static PreprocessorSettings ImageNetDefaults { get; } = new();

    /// <summary>Number of floats one image occupies in the CHW tensor: 3 × height × width.</summary>
    public int TensorLength => 3 * TargetWidth * TargetHeight;

    /// <summary>
    /// Reads <c>preprocessor_config.json</c>. Keys that are missing take the Hugging Face defaults above (the 806-byte
    /// old onnx-community file has no <c>rescale_factor</c>). <c>do_rescale</c>/<c>do_normalize</c> false are honoured by
    /// using factor 1 / mean 0 / std 1, so the tensor writer needs no special cases.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object or a value is out of range.</exception>
    public static PreprocessorSettings Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return FromJson(document.RootElement, path);
    }

    /// <summary>Same as <see cref="Load"/> for an already parsed JSON object (source names the origin in error messages).</summary>
    public static PreprocessorSettings FromJson(JsonElement root, string source = "preprocessor config")
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{source}: expected a JSON object.");
        }

        var defaults = ImageNetDefaults;
        int width = defaults.TargetWidth, height = defaults.TargetHeight;
        if (root.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Object)
        {
            width = ReadInt(size, "width", width, source);
            height = ReadInt(size, "height", height, source);
        }

        bool doRescale = ReadBool(root, "do_rescale", true);
        bool doNormalize = ReadBool(root, "do_normalize", true);
        double rescale = doRescale ? ReadDouble(root, "rescale_factor", defaults.RescaleFactor, source) : 1.0;
        var mean = doNormalize ? ReadTriple(root, "image_mean", defaults.ImageMean, source) : [0.0, 0.0, 0.0];
        var std = doNormalize ? ReadTriple(root, "image_std", defaults.ImageStd, source) : [1.0, 1.0, 1.0];

        if (width <= 0 || height <= 0 || width > 8192 || height > 8192)
        {
            throw new InvalidDataException($"{source}: size {width}x{height} is out of range.");
        }

        if (!(rescale > 0) || std.Any(s => !(s > 0)))
        {
            throw new InvalidDataException($"{source}: rescale_factor and image_std must be positive.");
        }

        return new PreprocessorSettings
        {
            TargetWidth = width,
            TargetHeight = height,
            RescaleFactor = rescale,
            ImageMean = mean,
            ImageStd = std,
        };
    }

    private static int ReadInt(JsonElement obj, string name, int fallback, string source) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? fallback
        : value.TryGetInt32(out int parsed) ? parsed
        : throw new InvalidDataException($"{source}: '{name}' must be an integer.");

    private static double ReadDouble(JsonElement obj, string name, double fallback, string source) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? fallback
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : throw new InvalidDataException($"{source}: '{name}' must be a number.");

    // A JSON null means "use the default" in HF (e.g. do_convert_rgb: null); only an explicit false switches a step off.
    private static bool ReadBool(JsonElement obj, string name, bool fallback) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : fallback;

    private static double[] ReadTriple(JsonElement obj, string name, IReadOnlyList<double> fallback, string source)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [.. fallback];
        }

        // HF accepts a scalar and broadcasts it to every channel.
        if (value.ValueKind == JsonValueKind.Number)
        {
            double scalar = value.GetDouble();
            return [scalar, scalar, scalar];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
        {
            throw new InvalidDataException($"{source}: '{name}' must be three numbers (R, G, B).");
        }

        return [.. value.EnumerateArray().Select(e => e.GetDouble())];
    }
}
