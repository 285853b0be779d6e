using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Florence2.Tasks;

/// <summary>
/// Reads a region typed by an API caller. Two forms are accepted:
/// <list type="bullet">
/// <item><c>x1,y1,x2,y2</c> in pixels (invariant culture, spaces allowed around the numbers), validated against the image
/// and quantized;</item>
/// <item>exactly four location tokens such as <c>&lt;loc_52&gt;&lt;loc_332&gt;&lt;loc_932&gt;&lt;loc_774&gt;</c> (ASCII
/// digits, bins 0..999, x1 ≤ x2 and y1 ≤ y2), for people copying Python examples; used as is.</item>
/// </list>
/// Surrounding whitespace is ignored in both forms.
/// </summary>
public static class RegionParser
{
    private const string FormatHint =
        "A region must be 'x1,y1,x2,y2' in pixels or four location tokens like '<loc_52><loc_332><loc_932><loc_774>'.";

    // [0-9], not \d: user input should not silently accept other scripts' digits.
    private static readonly Regex LocTokenRegion =
        new(@"^<loc_([0-9]+)><loc_([0-9]+)><loc_([0-9]+)><loc_([0-9]+)>$", RegexOptions.CultureInvariant);

    /// <summary>Parses and validates; on failure <paramref name="problem"/> is a user-facing message.</summary>
    public static bool TryParse(
        string? input,
        int imageWidth,
        int imageHeight,
        out LocationBins bins,
        [NotNullWhen(false)] out string? problem)
    {
        bins = default;
        string trimmed = input?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            problem = "The region is empty. " + FormatHint;
            return false;
        }

        problem = trimmed.StartsWith('<')
            ? TryParseLocTokens(trimmed, out bins)
            : TryParsePixels(trimmed, imageWidth, imageHeight, out bins);
        return problem is null;
    }

    /// <summary>Like <see cref="TryParse"/> but throws <see cref="PromptValidationException"/> (field <c>region</c>).</summary>
    public static LocationBins Parse(string? input, int imageWidth, int imageHeight) =>
        TryParse(input, imageWidth, imageHeight, out var bins, out var problem)
            ? bins
            : throw new PromptValidationException(PromptValidationException.RegionField, problem);

    private static string? TryParseLocTokens(string text, out LocationBins bins)
    {
        bins = default;
        Match match = LocTokenRegion.Match(text);
        if (!match.Success)
        {
            return "The region could not be read. " + FormatHint;
        }

        var values = new int[4];
        for (int i = 0; i < 4; i++)
        {
            values[i] = LocNumber.Parse(match.Groups[i + 1].ValueSpan);
            if (values[i] >= LocationBins.BinCount)
            {
                return $"Location token <loc_{match.Groups[i + 1].Value}> is out of range; bins go from 0 to 999.";
            }
        }

        bins = new LocationBins(values[0], values[1], values[2], values[3]);
        if (bins.X1 > bins.X2 || bins.Y1 > bins.Y2)
        {
            return $"The region {bins.ToLocTokens()} is inverted; the first two tokens are the top-left corner.";
        }

        return null;
    }

    private static string? TryParsePixels(string text, int imageWidth, int imageHeight, out LocationBins bins)
    {
        bins = default;
        string[] parts = text.Split(',');
        if (parts.Length != 4)
        {
            return $"The region has {parts.Length} comma-separated values; expected 4. " + FormatHint;
        }

        var values = new double[4];
        string[] names = ["x1", "y1", "x2", "y2"];
        for (int i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                return $"Region {names[i]} '{parts[i].Trim()}' is not a number. " + FormatHint;
            }
        }

        var region = new PixelRegion(values[0], values[1], values[2], values[3]);
        string? problem = RegionValidator.FindProblem(region, imageWidth, imageHeight);
        if (problem is null)
        {
            bins = BoxQuantizer.Quantize(region, imageWidth, imageHeight);
        }

        return problem;
    }
}
