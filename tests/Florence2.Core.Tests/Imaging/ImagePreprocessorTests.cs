using Florence2.Imaging;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Tests.Imaging;

public sealed class ImagePreprocessorTests
{
    private const int Side = 768;
    private const int Plane = Side * Side;
    private readonly ImagePreprocessor preprocessor = new(new SafeImageDecoder(), PreprocessorSettings.ImageNetDefaults);

    [Fact]
    public void AllWhiteImageHasTheReferenceMean()
    {
        using var white = TestImages.Solid(64, 48, new Rgb24(255, 255, 255));
        var tensor = new float[preprocessor.TensorLength];

        ImageSize original = preprocessor.Preprocess(TestImages.Png(white), tensor);

        Assert.Equal(new ImageSize(64, 48), original);
        Assert.Equal(3 * Plane, tensor.Length);
        Assert.Equal(2.439159870147705, tensor.Average(v => (double)v), 1e-3);
    }

    [Fact]
    public void PureRedIsHighInChannelZeroAndLowInChannelTwo()
    {
        using var red = TestImages.Solid(30, 20, new Rgb24(255, 0, 0));
        var tensor = new float[preprocessor.TensorLength];

        preprocessor.Preprocess(TestImages.Png(red), tensor);

        Assert.All(tensor[..Plane], v => Assert.Equal((1f - 0.485f) / 0.229f, v, 1e-5f));
        Assert.All(tensor[Plane..(2 * Plane)], v => Assert.Equal(-0.456f / 0.224f, v, 1e-5f));
        Assert.All(tensor[(2 * Plane)..], v => Assert.Equal(-0.406f / 0.225f, v, 1e-5f));
    }

    /// <summary>
    /// 100×50 (2:1), left half red and right half blue. Stretching fills every one of the 768 rows with image content;
    /// letterboxing would have left 192 rows of padding at the top and bottom. Only columns within the bicubic
    /// kernel's reach of the seam (source x 48..52 → output ≈ 360..407) mix the two colours.
    /// </summary>
    [Fact]
    public void NonSquareImagesAreStretchedNotPadded()
    {
        using var halves = new SixLabors.ImageSharp.Image<Rgb24>(100, 50);
        for (int y = 0; y < 50; y++)
        {
            for (int x = 0; x < 100; x++)
            {
                halves[x, y] = x < 50 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255);
            }
        }

        var tensor = new float[preprocessor.TensorLength];
        ImageSize original = preprocessor.Preprocess(TestImages.Png(halves), tensor);

        Assert.Equal(new ImageSize(100, 50), original);
        float high = (1f - 0.485f) / 0.229f, lowRed = -0.485f / 0.229f;
        float highBlue = (1f - 0.406f) / 0.225f, lowBlue = -0.406f / 0.225f;
        for (int y = 0; y < Side; y++)
        {
            for (int x = 0; x < Side; x++)
            {
                float r = tensor[(y * Side) + x], b = tensor[(2 * Plane) + (y * Side) + x];
                if (x <= 360)
                {
                    Assert.True(r == high && b == lowBlue, $"expected red at ({x}, {y}), got R {r}, B {b}");
                }
                else if (x >= 408)
                {
                    Assert.True(r == lowRed && b == highBlue, $"expected blue at ({x}, {y}), got R {r}, B {b}");
                }
            }
        }
    }

    [Fact]
    public void RejectionsPassThroughUnchanged()
    {
        var tensor = new float[preprocessor.TensorLength];

        var rejection = Assert.Throws<ImageRejectedException>(() => preprocessor.Preprocess([], tensor));

        Assert.Equal(ImageRejectionReason.Empty, rejection.Reason);
    }

    [Fact]
    public void DecodedImageOverloadMatchesBytesOverload()
    {
        using var noise = TestImages.Noise(90, 70);
        byte[] png = TestImages.Png(noise);
        var fromBytes = new float[preprocessor.TensorLength];
        var fromDecoded = new float[preprocessor.TensorLength];

        preprocessor.Preprocess(png, fromBytes);
        using (var decoded = new SafeImageDecoder().Decode(png))
        {
            preprocessor.Preprocess(decoded, fromDecoded);
        }

        Assert.Equal(fromBytes, fromDecoded);
    }

    [Fact]
    public void A_prepared_image_writes_the_same_tensor_and_keeps_the_original_size()
    {
        using var noise = TestImages.Noise(90, 70);
        byte[] png = TestImages.Png(noise);
        var direct = new float[preprocessor.TensorLength];
        var prepared = new float[preprocessor.TensorLength];

        preprocessor.Preprocess(png, direct);
        using var decoded = new SafeImageDecoder().Decode(png);
        var image = preprocessor.Prepare(decoded);
        image.WritePixelValues(prepared, 768, 768);

        Assert.Equal(direct, prepared);
        Assert.Equal((90, 70), (image.Width, image.Height));
        Assert.Throws<InvalidOperationException>(() => image.WritePixelValues(prepared, 384, 384));
    }
}
