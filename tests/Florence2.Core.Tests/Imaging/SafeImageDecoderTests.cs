using Florence2.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Tests.Imaging;

public sealed class SafeImageDecoderTests
{
    private readonly SafeImageDecoder decoder = new();

    [Fact]
    public void DecodesPngJpegAndWebpToRgb24WithTheStoredSize()
    {
        using var source = TestImages.Noise(33, 17);

        foreach (var (bytes, format) in new[] { (TestImages.Png(source), "PNG"), (TestImages.Jpeg(source), "JPEG"), (TestImages.Webp(source), "Webp") })
        {
            using DecodedImage decoded = decoder.Decode(bytes);
            Assert.Equal(new ImageSize(33, 17), decoded.Size);
            Assert.Equal(format, decoded.FormatName, ignoreCase: true);
        }
    }

    [Fact]
    public void LosslessFormatsRoundTripEveryPixel()
    {
        using var source = TestImages.Noise(16, 9, seed: 4);

        using DecodedImage png = decoder.Decode(TestImages.Png(source));
        using DecodedImage webp = decoder.Decode(TestImages.Webp(source));

        for (int y = 0; y < 9; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                Assert.Equal(source[x, y], png.Pixels[x, y]);
                Assert.Equal(source[x, y], webp.Pixels[x, y]);
            }
        }
    }

    /// <summary>PIL's convert("RGB") discards alpha without compositing; a fully transparent red pixel stays red.</summary>
    [Fact]
    public void AlphaIsDroppedNotPremultipliedOrComposited()
    {
        using var transparentRed = TestImages.Solid(4, 3, new Rgba32(255, 0, 0, 0));
        transparentRed[1, 1] = new Rgba32(10, 200, 30, 128);
        byte[] png = TestImages.Encode(transparentRed, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        using (var stored = Image.Load<Rgba32>(TestImages.AllFormats, png))
        {
            Assert.Equal(new Rgba32(255, 0, 0, 0), stored[0, 0]); // the file really holds colour under zero alpha
        }

        using DecodedImage decoded = decoder.Decode(png);

        Assert.Equal(new Rgb24(255, 0, 0), decoded.Pixels[0, 0]);
        Assert.Equal(new Rgb24(255, 0, 0), decoded.Pixels[3, 2]);
        Assert.Equal(new Rgb24(10, 200, 30), decoded.Pixels[1, 1]);
    }

    [Fact]
    public void ExifOrientationIsNotApplied()
    {
        using var landscape = TestImages.Noise(40, 20);
        landscape.Metadata.ExifProfile = new ExifProfile();
        landscape.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // "rotate 90° clockwise to display"
        byte[] jpeg = TestImages.Jpeg(landscape);
        var stored = Image.Identify(TestImages.AllFormats, jpeg, out _);
        Assert.Equal((ushort)6, stored.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value); // the tag is in the file

        using DecodedImage decoded = decoder.Decode(jpeg);

        Assert.Equal(new ImageSize(40, 20), decoded.Size);
    }

    [Fact]
    public void ZeroBytesAreEmpty()
    {
        var rejection = Assert.Throws<ImageRejectedException>(() => decoder.Decode(ReadOnlySpan<byte>.Empty));

        Assert.Equal(ImageRejectionReason.Empty, rejection.Reason);
    }

    public static TheoryData<string, string> RefusedFormats => new()
    {
        { "BMP", "BMP images are not accepted; send JPEG, PNG or WebP." },
        { "GIF", "GIF images are not accepted; send JPEG, PNG or WebP." },
        { "TIFF", "TIFF images are not accepted; send JPEG, PNG or WebP." },
        { "PBM", "PBM/PGM/PPM images are not accepted; send JPEG, PNG or WebP." },
        { "TGA", "The image format was not recognised; send JPEG, PNG or WebP." },
    };

    /// <summary>Encoded with ImageSharp's own encoders (full configuration), so they are genuine files of each format.</summary>
    [Theory]
    [MemberData(nameof(RefusedFormats))]
    public void FormatsOutsideTheAllowListAreUnsupported(string format, string expectedMessage)
    {
        using var image = TestImages.Noise(8, 8);
        byte[] bytes = format switch
        {
            "BMP" => TestImages.Encode(image, new BmpEncoder()),
            "GIF" => TestImages.Encode(image, new GifEncoder()),
            "TIFF" => TestImages.Encode(image, new TiffEncoder()),
            "PBM" => TestImages.Encode(image, new PbmEncoder()),
            "TGA" => TestImages.Encode(image, new TgaEncoder()),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        Assert.NotNull(Image.DetectFormat(TestImages.AllFormats, bytes)); // a real, decodable file of that format

        var rejection = Assert.Throws<ImageRejectedException>(() => decoder.Decode(bytes));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, rejection.Reason);
        Assert.Equal(expectedMessage, rejection.Message);
    }

    [Fact]
    public void ArbitraryBytesAreUnsupported()
    {
        var rejection = Assert.Throws<ImageRejectedException>(() => decoder.Decode("hello, this is not an image"u8));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, rejection.Reason);
    }

    /// <summary>
    /// The header claims 100,000 × 100,000 (10^10 pixels, 30 GB as RGB). The refusal must come from the header check,
    /// not from a failed allocation: no inner exception, and next to nothing allocated on the managed heap.
    /// </summary>
    [Fact]
    public void OversizedImageIsRefusedFromItsHeaderBeforeDecoding()
    {
        var lenientSides = new SafeImageDecoder(new ImageDecodingOptions { MaxSideLength = int.MaxValue });
        byte[] png = TestImages.PngHeaderOnly(100_000, 100_000);

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var rejection = Assert.Throws<ImageRejectedException>(() => lenientSides.Decode(png));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(ImageRejectionReason.TooLarge, rejection.Reason);
        Assert.Null(rejection.InnerException);
        Assert.Contains("100000x100000", rejection.Message);
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    /// <summary>A valid, small image that would decode fine is still refused when its header exceeds the pixel cap.</summary>
    [Fact]
    public void PixelCapIsCheckedBeforeDecodingEvenWhenDecodingWouldSucceed()
    {
        var strict = new SafeImageDecoder(new ImageDecodingOptions { MaxPixels = 99 });
        using var tenByTen = TestImages.Noise(10, 10);

        var rejection = Assert.Throws<ImageRejectedException>(() => strict.Decode(TestImages.Png(tenByTen)));

        Assert.Equal(ImageRejectionReason.TooLarge, rejection.Reason);
        using var exactlyAtCap = TestImages.Noise(11, 9);
        using DecodedImage accepted = strict.Decode(TestImages.Png(exactlyAtCap));
        Assert.Equal(99, accepted.Width * accepted.Height);
    }

    [Fact]
    public void OverlongSideIsRefusedEvenUnderThePixelCap()
    {
        byte[] png = TestImages.PngHeaderOnly(1, 1_000_000);

        var rejection = Assert.Throws<ImageRejectedException>(() => decoder.Decode(png));

        Assert.Equal(ImageRejectionReason.TooLarge, rejection.Reason);
    }

    [Fact]
    public void EncodedSizeLimitAppliesToSpansAndStreams()
    {
        var small = new SafeImageDecoder(new ImageDecodingOptions { MaxEncodedBytes = 100 });
        using var image = TestImages.Noise(32, 32);
        byte[] png = TestImages.Png(image);
        Assert.True(png.Length > 100);

        Assert.Equal(ImageRejectionReason.TooLarge, Assert.Throws<ImageRejectedException>(() => small.Decode(png)).Reason);
        Assert.Equal(ImageRejectionReason.TooLarge, Assert.Throws<ImageRejectedException>(() => small.Decode(new MemoryStream(png))).Reason);
        Assert.Equal(ImageRejectionReason.TooLarge, Assert.Throws<ImageRejectedException>(() => small.Decode(new NonSeekableStream(png))).Reason);
    }

    [Fact]
    public async Task StreamsDecodeLikeSpans()
    {
        using var image = TestImages.Noise(12, 7);
        byte[] png = TestImages.Png(image);

        using DecodedImage fromStream = decoder.Decode(new NonSeekableStream(png));
        using DecodedImage fromAsync = await decoder.DecodeAsync(new NonSeekableStream(png));

        Assert.Equal(new ImageSize(12, 7), fromStream.Size);
        Assert.Equal(new ImageSize(12, 7), fromAsync.Size);
        Assert.Equal(image[11, 6], fromAsync.Pixels[11, 6]);
    }

    /// <summary>
    /// A PNG cut inside IDAT throws in ImageSharp (→ Undecodable). A JPEG cut anywhere is refused too, as Pillow refuses
    /// it ("image file is truncated"): libjpeg would fill the missing blocks itself and report success, so the JPEG
    /// path checks that the data reaches its end-of-image marker (ImageSharp 2.1.13 used to decode such a file).
    /// </summary>
    [Fact]
    public void TruncatedFilesAreUndecodable()
    {
        using var image = TestImages.Noise(64, 64);
        byte[] png = TestImages.Png(image);
        byte[] jpeg = TestImages.Jpeg(image);

        Assert.Equal(ImageRejectionReason.Undecodable, Assert.Throws<ImageRejectedException>(() => decoder.Decode(png.AsSpan(0, png.Length / 2))).Reason);
        Assert.Equal(ImageRejectionReason.Undecodable, Assert.Throws<ImageRejectedException>(() => decoder.Decode(png.AsSpan(0, 20))).Reason);
        Assert.Equal(ImageRejectionReason.Undecodable, Assert.Throws<ImageRejectedException>(() => decoder.Decode(jpeg.AsSpan(0, 40))).Reason);
        foreach (int cut in new[] { 1, 2, jpeg.Length / 2 })
        {
            var refusal = Assert.Throws<ImageRejectedException>(() => decoder.Decode(jpeg.AsSpan(0, jpeg.Length - cut)));
            Assert.Equal(ImageRejectionReason.Undecodable, refusal.Reason);
            Assert.Contains("truncated", refusal.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Random byte corruption of valid files: the decoder may accept or reject, but nothing else may escape.</summary>
    [Fact]
    public void CorruptedFilesNeverLeakDecoderExceptions()
    {
        using var image = TestImages.Noise(24, 24, seed: 9);
        var random = new Random(12345);
        var outcomes = new Dictionary<string, int>();
        foreach (byte[] valid in new[] { TestImages.Png(image), TestImages.Jpeg(image), TestImages.Webp(image) })
        {
            for (int trial = 0; trial < 150; trial++)
            {
                byte[] corrupted = (byte[])valid.Clone();
                int flips = random.Next(1, 8);
                for (int i = 0; i < flips; i++)
                {
                    corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
                }

                string outcome;
                try
                {
                    using DecodedImage decoded = decoder.Decode(corrupted);
                    outcome = "decoded";
                }
                catch (ImageRejectedException rejection)
                {
                    outcome = rejection.Reason.ToString();
                }

                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        Assert.Equal(450, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault(nameof(ImageRejectionReason.Undecodable)) > 0);
    }

    [Fact]
    public void OneInstanceDecodesConcurrently()
    {
        using var image = TestImages.Noise(50, 30);
        byte[] png = TestImages.Png(image);
        byte[] jpeg = TestImages.Jpeg(image);

        Parallel.For(0, 64, i =>
        {
            using DecodedImage decoded = decoder.Decode(i % 2 == 0 ? png : jpeg);
            Assert.Equal(new ImageSize(50, 30), decoded.Size);
        });
    }

    /// <summary>Stands in for a request body: readable once, no length, no seeking.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
