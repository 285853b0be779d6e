using System.Text;

namespace Florence2.Drawing;

/// <summary>
/// One colour per label, the same on every image and in the playground (whose script computes it the same way):
/// the hue comes from the FNV-1a hash of the label's UTF-8 bytes, at fixed saturation and value, so that labels are
/// told apart and a label keeps its colour from one answer to the next.
/// </summary>
public static class LabelColors
{
    private const double Saturation = 0.85, Value = 0.95;

    public static (byte R, byte G, byte B) Of(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(label))
            hash = unchecked((hash ^ b) * 16777619);
        return FromHsv(hash % 360, Saturation, Value);
    }

    /// <summary>Black or white, whichever reads better on <paramref name="background"/> (relative luminance).</summary>
    public static bool DarkTextOn((byte R, byte G, byte B) background) =>
        (0.2126 * background.R) + (0.7152 * background.G) + (0.0722 * background.B) > 150;

    /// <summary>HSV to 8-bit RGB, rounding halves up as JavaScript's Math.round does.</summary>
    internal static (byte R, byte G, byte B) FromHsv(double hue, double saturation, double value)
    {
        double c = value * saturation;
        double x = c * (1 - Math.Abs((hue / 60 % 2) - 1));
        double m = value - c;
        (double r, double g, double b) = (int)(hue / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return (Channel(r + m), Channel(g + m), Channel(b + m));
    }

    private static byte Channel(double unit) => (byte)Math.Floor((unit * 255) + 0.5);
}
