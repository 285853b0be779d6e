using System.Text.RegularExpressions;

namespace Florence2.Tasks;

/// <summary>
/// polygons (REFERRING_EXPRESSION_SEGMENTATION, REGION_TO_SEGMENTATION) and description_with_polygons (the polygon branch
/// of OPEN_VOCABULARY_DETECTION), spec §10.6.
/// </summary>
internal static class PolygonParser
{
    private const string PolyStart = "<poly>";
    private const string PolyEnd = "</poly>";

    // Repairs the "[^<]+ started right after '<'" case: "loc_44>person..." becomes "person...". Only for the label.
    private static readonly Regex LeadingLocFragment = new(@"^loc_\d+>", RegexOptions.Compiled);
    private static readonly Regex PolyInstance = new(@"<poly>(.*?)</poly>", RegexOptions.Compiled);
    private static readonly Regex Polygon = new(@"((?:<loc_\d+>)+)(?:<sep>|$)", RegexOptions.Compiled);

    /// <param name="generatedText">Decoded model output.</param>
    /// <param name="requireLabel">True for description_with_polygons; false for polygons (labels normally empty).</param>
    /// <param name="dequantizer">Image size and coordinate format.</param>
    public static List<Segment> Parse(string generatedText, bool requireLabel, Dequantizer dequantizer)
    {
        string text = SpecialTokens.RemoveBosEosAndPad(generatedText);
        var segments = new List<Segment>();
        foreach (string chunk in PhraseChunker.Polygons.FindChunks(text, requireLabel))
        {
            // The reference's empty-chunk test is left out: the stripped chunk always keeps its 4+ tokens.
            string? label = PhraseChunker.Polygons.ReadLabel(LeadingLocFragment.Replace(chunk, string.Empty, 1));
            if (label is null)
            {
                continue;
            }

            foreach (string instance in SplitInstances(chunk))
            {
                List<IReadOnlyList<Point2>> polygons = ReadPolygons(instance, dequantizer);
                if (polygons.Count > 0)
                {
                    segments.Add(new Segment(label, polygons));
                }
            }
        }

        return segments;
    }

    /// <summary>
    /// With both <c>&lt;poly&gt;</c> and <c>&lt;/poly&gt;</c> present each <c>&lt;poly&gt;…&lt;/poly&gt;</c> is an instance;
    /// otherwise the whole chunk (label included) is one instance.
    /// </summary>
    private static IEnumerable<string> SplitInstances(string chunk)
    {
        if (!chunk.Contains(PolyStart, StringComparison.Ordinal) || !chunk.Contains(PolyEnd, StringComparison.Ordinal))
        {
            return [chunk];
        }

        return PolyInstance.Matches(chunk).Select(match => match.Groups[1].Value);
    }

    /// <summary>
    /// Each maximal run of loc tokens followed by <c>&lt;sep&gt;</c> or the end is one polygon; an odd last bin is dropped,
    /// so a run of a single token yields an empty polygon, as in the reference.
    /// </summary>
    private static List<IReadOnlyList<Point2>> ReadPolygons(string instance, Dequantizer dequantizer)
    {
        var polygons = new List<IReadOnlyList<Point2>>();
        foreach (Match match in Polygon.Matches(instance))
        {
            polygons.Add(dequantizer.Points(LocTokenReader.ReadBins(match.Groups[1].Value)));
        }

        return polygons;
    }
}
