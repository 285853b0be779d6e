using System.Text.RegularExpressions;

namespace Florence2.Tasks;

/// <summary>Reads location tokens out of a chunk of generated text (shared by every coordinate parser).</summary>
internal static class LocTokenReader
{
    private static readonly Regex Box = new(@"<loc_(\d+)><loc_(\d+)><loc_(\d+)><loc_(\d+)>", RegexOptions.Compiled);
    private static readonly Regex Loc = new(@"<loc_(\d+)>", RegexOptions.Compiled);

    /// <summary>
    /// Every group of four consecutive loc tokens, left to right, non-overlapping; 1–3 leftover tokens are ignored (§10.4 step 5).
    /// </summary>
    public static List<LocationBins> ReadBoxes(string chunk) => MatchBoxes(chunk).Select(BoxBins).ToList();

    /// <summary>The matches <see cref="ReadBoxes"/> reads, with their positions in <paramref name="chunk"/>.</summary>
    public static MatchCollection MatchBoxes(string chunk) => Box.Matches(chunk);

    /// <summary>The four bins of one box match.</summary>
    public static LocationBins BoxBins(Match match) => new(Bin(match, 1), Bin(match, 2), Bin(match, 3), Bin(match, 4));

    /// <summary>The bins of every loc token in <paramref name="text"/>, in order.</summary>
    public static List<int> ReadBins(string text)
    {
        var bins = new List<int>();
        foreach (Match match in Loc.Matches(text))
        {
            bins.Add(Bin(match, 1));
        }

        return bins;
    }

    /// <summary>The bin held by group <paramref name="group"/> of a match.</summary>
    public static int Bin(Match match, int group) => LocNumber.Parse(match.Groups[group].ValueSpan);
}
