using Florence2.Drawing;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// The translucent fill the annotated images and the playground lay over a segment: its label's colour at alpha 0x60,
/// source-over. Lets a test tell a pixel tinted once from one tinted twice.
/// </summary>
public static class Tint
{
    private const double Alpha = 0x60 / 255.0;

    /// <summary><paramref name="under"/> (R, G, B) with the unlabelled segments' colour laid over it once.</summary>
    public static int[] Once(int[] under)
    {
        var (r, g, b) = LabelColors.Of("");
        return [Blend(r, under[0]), Blend(g, under[1]), Blend(b, under[2])];
    }

    /// <summary>Largest difference of one channel.</summary>
    public static int Distance(int[] a, int[] b) => Enumerable.Range(0, 3).Max(i => Math.Abs(a[i] - b[i]));

    /// <summary>Equal within 2 per channel (rounding of the blend, and of the PNG or canvas read back).</summary>
    public static void AssertNear(int[] expected, int[] actual, string what) =>
        Assert.True(Distance(expected, actual) <= 2, $"{what}: expected about {string.Join(",", expected)}, the image has {string.Join(",", actual)}");

    private static int Blend(byte colour, int under) => (int)Math.Round((colour * Alpha) + (under * (1 - Alpha)));
}
