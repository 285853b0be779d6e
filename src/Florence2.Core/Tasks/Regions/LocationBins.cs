using System.Globalization;

namespace Florence2.Tasks;

/// <summary>
/// A box in Florence-2's quantized coordinates: four bins of a 1000×1000 grid over the original image (x by width, y by
/// height; spec §6.3). As a prompt it is written as four location tokens.
/// </summary>
public readonly record struct LocationBins(int X1, int Y1, int X2, int Y2)
{
    /// <summary>The number of bins per axis.</summary>
    public const int BinCount = 1000;

    /// <summary>The region as it goes into a prompt: <c>&lt;loc_X1&gt;&lt;loc_Y1&gt;&lt;loc_X2&gt;&lt;loc_Y2&gt;</c>.</summary>
    public string ToLocTokens() =>
        string.Create(CultureInfo.InvariantCulture, $"<loc_{X1}><loc_{Y1}><loc_{X2}><loc_{Y2}>");

    /// <inheritdoc />
    public override string ToString() => ToLocTokens();
}
