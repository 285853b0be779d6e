using System.Globalization;

namespace Florence2.Tasks;

/// <summary>
/// Checks a pixel region against the image: finite numbers, <c>0 ≤ x1 &lt; x2 ≤ width</c>, <c>0 ≤ y1 &lt; y2 ≤ height</c>.
/// </summary>
public static class RegionValidator
{
    /// <summary>Null when the region is valid, else a message naming the first problem found.</summary>
    public static string? FindProblem(PixelRegion region, int imageWidth, int imageHeight)
    {
        if (imageWidth <= 0 || imageHeight <= 0)
        {
            return Invariant($"The image size {imageWidth}×{imageHeight} is not valid.");
        }

        return CheckFinite("x1", region.X1) ?? CheckFinite("y1", region.Y1)
            ?? CheckFinite("x2", region.X2) ?? CheckFinite("y2", region.Y2)
            ?? CheckAxis("x1", region.X1, "x2", region.X2, "width", imageWidth)
            ?? CheckAxis("y1", region.Y1, "y2", region.Y2, "height", imageHeight);
    }

    /// <summary>Throws <see cref="PromptValidationException"/> (field <c>region</c>) when the region is not valid.</summary>
    public static void EnsureValid(PixelRegion region, int imageWidth, int imageHeight)
    {
        string? problem = FindProblem(region, imageWidth, imageHeight);
        if (problem is not null)
        {
            throw new PromptValidationException(PromptValidationException.RegionField, problem);
        }
    }

    private static string? CheckFinite(string name, double value) =>
        double.IsFinite(value) ? null : Invariant($"Region {name} must be a finite number, got {value}.");

    private static string? CheckAxis(string lowName, double low, string highName, double high, string sizeName, int size)
    {
        if (low < 0)
        {
            return Invariant($"Region {lowName} ({low}) must not be negative.");
        }

        if (high > size)
        {
            return Invariant($"Region {highName} ({high}) must not exceed the image {sizeName} ({size}).");
        }

        return low < high ? null : Invariant($"Region {lowName} ({low}) must be less than {highName} ({high}).");
    }

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
