using Florence2.Imaging;

namespace Florence2.Tests.Imaging;

public sealed class PixelTensorWriterTests
{
    private static readonly PixelTensorWriter Writer = new(PreprocessorSettings.ImageNetDefaults);

    /// <summary>HF: rescale in float64 then float32; normalize with mean/std cast to float32, arithmetic in float32.</summary>
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 255)]
    [InlineData(1, 128)]
    [InlineData(2, 1)]
    [InlineData(2, 254)]
    public void ValuesFollowHuggingFaceArithmetic(int channel, int value)
    {
        double[] mean = [0.485, 0.456, 0.406];
        double[] std = [0.229, 0.224, 0.225];
        float rescaled = (float)(value * (1.0 / 255.0));
        float expected = (rescaled - (float)mean[channel]) / (float)std[channel];

        Assert.Equal(expected, Writer.Normalize(channel, (byte)value));
    }

    [Fact]
    public void WhiteIsTheKnownPerChannelMaximum()
    {
        // (1 - mean) / std, which average to the transformers.js check value 2.439159870147705.
        Assert.Equal(2.2489083, Writer.Normalize(0, 255), 1e-6);
        Assert.Equal(2.4285715, Writer.Normalize(1, 255), 1e-6);
        Assert.Equal(2.64, Writer.Normalize(2, 255), 1e-6);
    }

    [Fact]
    public void WritesPlanarChwInRgbOrderIntoItsSliceOnly()
    {
        var settings = PreprocessorSettings.ImageNetDefaults with { TargetWidth = 2, TargetHeight = 2 };
        var writer = new PixelTensorWriter(settings);
        byte[] rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]; // red, green / blue, (10, 20, 30)
        float[] batch = new float[2 * writer.TensorLength];
        Array.Fill(batch, float.NaN);

        writer.Write(rgb, batch.AsSpan(writer.TensorLength, writer.TensorLength)); // second image of a batch of two

        Assert.All(batch.AsSpan(0, writer.TensorLength).ToArray(), v => Assert.True(float.IsNaN(v)));
        float[] written = batch[writer.TensorLength..];
        float[] expected =
        [
            writer.Normalize(0, 255), writer.Normalize(0, 0), writer.Normalize(0, 0), writer.Normalize(0, 10),
            writer.Normalize(1, 0), writer.Normalize(1, 255), writer.Normalize(1, 0), writer.Normalize(1, 20),
            writer.Normalize(2, 0), writer.Normalize(2, 0), writer.Normalize(2, 255), writer.Normalize(2, 30),
        ];
        Assert.Equal(expected, written);
    }

    [Fact]
    public void RejectsMismatchedLengths()
    {
        var writer = new PixelTensorWriter(PreprocessorSettings.ImageNetDefaults with { TargetWidth = 2, TargetHeight = 2 });

        Assert.Throws<ArgumentException>(() => writer.Write(new byte[12], new float[11]));
        Assert.Throws<ArgumentException>(() => writer.Write(new byte[11], new float[12]));
    }
}
