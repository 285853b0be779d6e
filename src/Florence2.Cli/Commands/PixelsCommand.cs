using System.Security.Cryptography;
using Florence2.Imaging;

namespace Florence2.Cli.Commands;

/// <summary>
/// <c>florence2 pixels</c>: the pixels the model sees, as files anyone can compare with Python — the decoded RGB
/// bytes and, optionally, the float32 pixel_values tensor. Same decoder, limits and refusals as the service.
/// </summary>
internal static class PixelsCommand
{
    public static CliCommand Command { get; } = new("pixels", """
          florence2 pixels IMAGE --rgb-out FILE [--tensor-out FILE] [--preprocessor-config FILE]
              Decodes IMAGE as the service does and writes its RGB8 bytes (height x width x 3, row-major), which equal
              Python's Image.open(IMAGE).convert("RGB").tobytes(). --tensor-out also writes the model input: float32
              [3,H,W] little-endian after the bicubic resize, rescale and normalize of --preprocessor-config (default:
              Florence-2's 768x768, ImageNet mean and std). Prints each file's size and SHA-256.
        """, ["rgb-out", "tensor-out", "preprocessor-config"], RunAsync);

    private static async Task<int> RunAsync(CommandArguments args)
    {
        string imagePath = args.Positional(0, "image file");
        string rgbPath = args.Required("rgb-out");
        string? tensorPath = args.Option("tensor-out");
        string? configPath = args.Option("preprocessor-config");
        var settings = configPath is null ? PreprocessorSettings.ImageNetDefaults : PreprocessorSettings.Load(configPath);

        byte[] encoded = await File.ReadAllBytesAsync(imagePath).ConfigureAwait(false);
        var decoder = new SafeImageDecoder();
        using DecodedImage image = decoder.Decode(encoded);
        var rgb = new byte[image.Width * image.Height * 3];
        image.Pixels.CopyPixelDataTo(rgb);
        await File.WriteAllBytesAsync(rgbPath, rgb).ConfigureAwait(false);
        Console.WriteLine($"{imagePath}: {image.FormatName} {image.Width}x{image.Height}");
        Console.WriteLine($"rgb: {rgbPath} ({image.Height}x{image.Width}x3 uint8, {rgb.Length} bytes) sha256 {Sha256(rgb)}");

        if (tensorPath is not null)
        {
            var preprocessor = new ImagePreprocessor(decoder, settings);
            var tensor = new float[preprocessor.TensorLength];
            preprocessor.Preprocess(image, tensor);
            byte[] bytes = TensorBytes.LittleEndian(tensor);
            await File.WriteAllBytesAsync(tensorPath, bytes).ConfigureAwait(false);
            Console.WriteLine($"tensor: {tensorPath} (3x{settings.TargetHeight}x{settings.TargetWidth} float32 little-endian, {bytes.Length} bytes) sha256 {Sha256(bytes)}");
        }

        return 0;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
