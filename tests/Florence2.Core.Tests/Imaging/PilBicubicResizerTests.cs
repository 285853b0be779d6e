using System.Security.Cryptography;
using Florence2.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Tests.Imaging;

public sealed class PilBicubicResizerTests
{
    /// <summary>
    /// 5×3 → 2×2 (shrinking: the kernel is widened). Source, R channel (G = 255 − R, B = 77 everywhere):
    /// <code>
    ///   row 0:  10  50 200  90  30
    ///   row 1:   0 255 128  64 220
    ///   row 2: 240  20 100 180  60
    /// </code>
    /// Horizontal weights, in = 5, out = 2: scale = 2.5, support = 2 × 2.5 = 5, filter argument = (x − centre + 0.5) / 2.5.
    /// Output x = 0: centre 1.25, taps x = 0..4 (xmin = int(1.25 − 5 + 0.5) → 0, xmax = int(1.25 + 5.5) = 6 → 5).
    ///   arguments −0.3, 0.1, 0.5, 0.9, 1.3 → Keys(a = −0.5): 0.8155, 0.9765, 0.5625, 0.0685, −0.0735 (sum 2.3495)
    ///   normalised: 0.347095, 0.415620, 0.239413, 0.029155, −0.031283
    ///   × 2^22, rounded half away from zero: 1455822, 1743238, 1004169, 122286, −131211 (sum exactly 4194304)
    /// Output x = 1 is the mirror image: −131211, 122286, 1004169, 1743238, 1455822.
    /// Horizontal pass, R (every sum starts at 2^21 = 2097152, result = sum >> 22, clamped to 0..255):
    ///   row 0, x 0: 10·1455822 + 50·1743238 + 200·1004169 + 90·122286 − 30·131211 + 2097152 = 311720482 → 74 (74.32)
    ///   row 0, x 1: −10·131211 + 50·122286 + 200·1004169 + 90·1743238 + 30·1455822 + 2097152 = 408299222 → 97 (97.35)
    ///   row 1: 554116358 → 132,  593661786 → 141
    ///   row 2: 500914912 → 119,  474601292 → 113
    /// Vertical weights, in = 3, out = 2: scale = 1.5, support 3, argument = (y − centre + 0.5) / 1.5.
    ///   y = 0: centre 0.75, taps 0..2, arguments −1/6, 0.5, 7/6 → 0.9375, 0.5625, −0.0578704 (sum 1.4421296)
    ///         normalised 0.650080, 0.390048, −0.040128 → 2726634, 1635981, −168311
    ///   y = 1: mirror → −168311, 1635981, 2726634
    /// Vertical pass over the 8-bit intermediate R = [74 97; 132 141; 119 113]:
    ///   (0,0): 74·2726634 + 132·1635981 − 119·168311 + 2097152 = 399788551 → 95
    ///   (1,0): 97·2726634 + 141·1635981 − 113·168311 + 2097152 = 478234828 → 114
    ///   (0,1): −74·168311 + 132·1635981 + 119·2726634 + 2097152 = 530061076 → 126
    ///   (1,1): −97·168311 + 141·1635981 + 113·2726634 + 2097152 = 524553948 → 125
    /// G by the same sums: intermediate [181 158; 123 114; 136 142] → [160 141; 129 130].
    /// B: a constant stays constant (77) because each weight row sums to exactly 2^22.
    /// Cross-checked: Pillow 9.4.0 Image.resize((2, 2), Image.BICUBIC) on this image gives the same 12 bytes.
    /// </summary>
    [Fact]
    public void Downscale5x3To2x2MatchesHandDerivedPillowValues()
    {
        byte[] red = [10, 50, 200, 90, 30, 0, 255, 128, 64, 220, 240, 20, 100, 180, 60];
        byte[] source = Interleave(red, red.Select(r => (byte)(255 - r)).ToArray(), Enumerable.Repeat((byte)77, 15).ToArray());

        byte[] expected =
        [
            95, 160, 77, 114, 141, 77,
            126, 129, 77, 125, 130, 77,
        ];
        Assert.Equal(expected, Resize(source, 5, 3, 2, 2));
        Assert.Equal(expected, ResizeThroughImageSharp(source, 5, 3, 2, 2));
    }

    /// <summary>
    /// 2×2 → 5×3 (enlarging: support stays 2, overshoot is clamped). Source:
    /// <code>
    ///   R: [  0 255 ]   G: [ 200  40 ]   B: [ 255 255 ]
    ///      [ 255  0 ]      [  90 160 ]      [   0   0 ]
    /// </code>
    /// Horizontal weights, in = 2, out = 5: scale 0.4, argument = x − centre + 0.5, centres 0.2, 0.6, 1.0, 1.4, 1.8,
    /// both source columns always in range:
    ///   x=0: Keys(0.3), Keys(1.3) = 0.8155, −0.0735 → 1.099057, −0.099057 → 4609778, −415474
    ///   x=1: Keys(0.1), Keys(0.9) = 0.9765, 0.0685 → 0.934450, 0.065550 → 3919366, 274938
    ///   x=2: 0.5625, 0.5625 → 0.5, 0.5 → 2097152, 2097152
    ///   x=3, x=4: mirrors of x=1, x=0.
    /// Horizontal pass, R row 0 (0, 255):
    ///   x0: 255·(−415474) + 2097152 = −103848718 → −25 → clamped 0
    ///   x1: 255·274938 + 2097152 = 72206342 → 17;  x2: 255·2097152 + 2097152 → 128
    ///   x3: 255·3919366 + 2097152 = 1001535482 → 238;  x4: 255·4609778 + 2097152 = 1177590542 → 280 → clamped 255
    ///   row 1 (255, 0) is the mirror: 255 238 128 17 0.
    /// Vertical weights, in = 2, out = 3: scale 2/3, centres 1/3, 1, 5/3:
    ///   y0: Keys(1/6), Keys(7/6) = 0.9375, −0.0578704 → 1.065789, −0.065789 → 4470245, −275941
    ///   y1: 2097152, 2097152;  y2: −275941, 4470245
    /// Vertical pass, R:
    ///   y0: x0 0·4470245 − 255·275941 + 2^21 → −17 → 0;  x1 17·4470245 − 238·275941 + 2^21 = 12417359 → 2;
    ///       x2 → 128;  x3 238·4470245 − 17·275941 + 2^21 = 1061324465 → 253;  x4 → 272 → 255
    ///   y1: (a + b)·2097152 + 2^21 = (a + b + 1)/2 rounded down → 128 everywhere (0+255, 17+238, 128+128 ...)
    ///   y2: mirror of y0: 255 253 128 2 0
    /// G: horizontal rows [216 190 120 50 24] and [83 95 125 155 167]; e.g. x0 = 200·4609778 − 40·415474 + 2^21
    ///   = 907433792 → 216. Vertical: y0 x0 = 216·4470245 − 83·275941 + 2^21 = 944766969 → 225; y1 x2 = (120 + 125)·2^21
    ///   + 2^21 → 123 (half rounds up); full result [225 196 120 43 15], [150 143 123 103 96], [74 89 125 162 176].
    /// B: rows stay 255 and 0 horizontally; vertically 255·4470245 − 0 → 272 → 255, middle 128, last 0.
    /// Cross-checked: Pillow 9.4.0 Image.resize((5, 3), Image.BICUBIC) gives the same 45 bytes.
    /// </summary>
    [Fact]
    public void Upscale2x2To5x3MatchesHandDerivedPillowValuesIncludingClamping()
    {
        byte[] source = Interleave([0, 255, 255, 0], [200, 40, 90, 160], [255, 255, 0, 0]);

        byte[] expectedRed = [0, 2, 128, 253, 255, 128, 128, 128, 128, 128, 255, 253, 128, 2, 0];
        byte[] expectedGreen = [225, 196, 120, 43, 15, 150, 143, 123, 103, 96, 74, 89, 125, 162, 176];
        byte[] expectedBlue = [255, 255, 255, 255, 255, 128, 128, 128, 128, 128, 0, 0, 0, 0, 0];
        byte[] expected = Interleave(expectedRed, expectedGreen, expectedBlue);

        Assert.Equal(expected, Resize(source, 2, 2, 5, 3));
        Assert.Equal(expected, ResizeThroughImageSharp(source, 2, 2, 5, 3));
    }

    /// <summary>
    /// SHA-256 of Pillow 9.4.0's output for LCG noise (see <see cref="TestImages.LcgBytes"/>), produced by
    /// <c>Image.frombytes("RGB", (w, h), lcg(w*h*3, seed)).resize((768, 768), Image.BICUBIC).tobytes()</c>.
    /// Noise makes every rounding boundary count, so equality here means bit-exact parity at the real target size,
    /// covering both passes, horizontal-only, vertical-only, shrinking and enlarging.
    /// </summary>
    [Theory]
    [InlineData(1000, 700, 7u, "2441090dbcd00acb4dde6bdc8ffa737acd877c8b4ed19ba5c08ac2d092ae779a")]
    [InlineData(37, 23, 3u, "003883d851678a5af0b3a6e879b0ea4232b0bac2f8ff45d90797050f67a43a82")]
    [InlineData(768, 500, 5u, "cc5cc2d994a0d014c93219fbf63d71069dbaaaf7e254c96a11f8e213c6fcc5a5")]
    [InlineData(1000, 768, 9u, "14088078612a16d43deefcb0933931009724a56daf561b87d847b6bfd9ee827b")]
    [InlineData(1920, 1080, 11u, "cd142a6ba0645b9e9c3e55ae45eabcc637652b00ef063597e5491deda7e88587")]
    public void NoiseResizedTo768MatchesPillowBitForBit(int width, int height, uint seed, string pillowSha256)
    {
        byte[] source = TestImages.LcgBytes(width * height * 3, seed);

        byte[] output = Resize(source, width, height, 768, 768);

        Assert.Equal(pillowSha256, Convert.ToHexStringLower(SHA256.HashData(output)));
    }

    /// <summary>Same Pillow reference as above, read through ImageSharp's (possibly discontiguous) pixel rows.</summary>
    [Fact]
    public void ImageSharpSourceMatchesPillowBitForBit()
    {
        byte[] source = TestImages.LcgBytes(1000 * 700 * 3, 7);

        byte[] output = ResizeThroughImageSharp(source, 1000, 700, 768, 768);

        Assert.Equal("2441090dbcd00acb4dde6bdc8ffa737acd877c8b4ed19ba5c08ac2d092ae779a", Convert.ToHexStringLower(SHA256.HashData(output)));
    }

    [Fact]
    public void SameSizeIsAnExactCopy()
    {
        byte[] source = TestImages.LcgBytes(7 * 4 * 3, 2);

        Assert.Equal(source, Resize(source, 7, 4, 7, 4));
    }

    [Fact]
    public void ConstantImageStaysConstantAtAnyScale()
    {
        byte[] source = Enumerable.Range(0, 13 * 9).SelectMany(_ => new byte[] { 255, 0, 128 }).ToArray();

        byte[] output = Resize(source, 13, 9, 31, 4);

        Assert.All(output.Chunk(3), pixel => Assert.Equal(new byte[] { 255, 0, 128 }, pixel));
    }

    [Fact]
    public void RejectsDestinationOfWrongLength()
    {
        var resizer = new PilBicubicResizer(4, 4);

        Assert.Throws<ArgumentException>(() => resizer.Resize(new byte[2 * 2 * 3], 2, 2, new byte[47]));
        Assert.Throws<ArgumentException>(() => resizer.Resize(new byte[11], 2, 2, new byte[48]));
    }

    private static byte[] Resize(byte[] source, int width, int height, int targetWidth, int targetHeight)
    {
        var resizer = new PilBicubicResizer(targetWidth, targetHeight);
        var output = new byte[resizer.OutputLength];
        resizer.Resize(source, width, height, output);
        return output;
    }

    private static byte[] ResizeThroughImageSharp(byte[] source, int width, int height, int targetWidth, int targetHeight)
    {
        using var image = Image.LoadPixelData<Rgb24>(source, width, height);
        var resizer = new PilBicubicResizer(targetWidth, targetHeight);
        var output = new byte[resizer.OutputLength];
        resizer.Resize(image, output);
        return output;
    }

    private static byte[] Interleave(byte[] red, byte[] green, byte[] blue) =>
        [.. red.Select((r, i) => new[] { r, green[i], blue[i] }).SelectMany(p => p)];
}
