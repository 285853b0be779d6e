using Florence2.Inference;

namespace Florence2.Imaging;

/// <summary>
/// An image already stretched to the model's input size (PIL bicubic, uint8 RGB) with its original size kept.
/// Resizing happens on the request's thread, so the batch worker only normalizes the bytes into the tensor.
/// </summary>
public sealed class PreparedImage : IPixelSource
{
    private readonly byte[] _rgb;
    private readonly PixelTensorWriter _writer;

    internal PreparedImage(byte[] rgb, ImageSize original, PixelTensorWriter writer)
    {
        _rgb = rgb;
        _writer = writer;
        Width = original.Width;
        Height = original.Height;
    }

    public int Width { get; }
    public int Height { get; }

    public void WritePixelValues(Span<float> destination, int targetWidth, int targetHeight)
    {
        if (targetWidth != _writer.Width || targetHeight != _writer.Height)
            throw new InvalidOperationException(
                $"The image was prepared for {_writer.Width}×{_writer.Height} but the model wants {targetWidth}×{targetHeight}.");
        _writer.Write(_rgb, destination);
    }
}
