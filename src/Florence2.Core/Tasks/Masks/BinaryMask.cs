namespace Florence2.Tasks;

/// <summary>
/// A binary mask over an image, one byte per pixel in row-major order (1 inside, 0 outside). Pixel (x, y) covers the
/// square [x, x+1) × [y, y+1) of the image's pixel coordinates.
/// </summary>
public sealed class BinaryMask
{
    private readonly byte[] _bits;

    public BinaryMask(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        (Width, Height) = (width, height);
        _bits = new byte[checked(width * height)];
    }

    public int Width { get; }

    public int Height { get; }

    public bool this[int x, int y] => _bits[(y * Width) + x] != 0;

    /// <summary>Row <paramref name="y"/>: Width bytes, 1 inside.</summary>
    public ReadOnlySpan<byte> Row(int y) => _bits.AsSpan(y * Width, Width);

    internal Span<byte> WritableRow(int y) => _bits.AsSpan(y * Width, Width);

    /// <summary>Pixels inside.</summary>
    public long Area()
    {
        long area = 0;
        foreach (byte bit in _bits) area += bit;
        return area;
    }

    /// <summary>
    /// The tight box around the pixels inside, in pixel edges: x1 is the first column inside, x2 one past the last
    /// (so x2 − x1 is the width in pixels); null when the mask is empty.
    /// </summary>
    public BoundingBox? Bounds()
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        for (int y = 0; y < Height; y++)
        {
            var row = Row(y);
            int first = row.IndexOf((byte)1);
            if (first < 0) continue;
            int last = row.LastIndexOf((byte)1);
            minX = Math.Min(minX, first);
            maxX = Math.Max(maxX, last);
            minY = Math.Min(minY, y);
            maxY = y;
        }
        return maxY < 0 ? null : new BoundingBox(minX, minY, maxX + 1, maxY + 1);
    }
}
