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
    /// <param name="scorer">
    /// Scores each instance when given: over the loc tokens of all its polygons, and its label's tokens, positions shifted
    /// by the running offset of the box parsers (spec §16.3).
    /// </param>
    public static List<Segment> Parse(string generatedText, bool requireLabel, Dequantizer dequantizer, SpanScorer? scorer = null)
    {
        string text = SpecialTokens.RemoveBosEosAndPad(generatedText);
        var segments = new List<Segment>();
        int offset = scorer?.StartOffset ?? 0;
        foreach (string chunk in PhraseChunker.Polygons.FindChunks(text, requireLabel))
        {
            int chunkOffset = offset;
            offset += chunk.Length;
            // The reference's empty-chunk test is left out: the stripped chunk always keeps its 4+ tokens.
            string labelSource = LeadingLocFragment.Replace(chunk, string.Empty, 1);
            Match labelMatch = PhraseChunker.Polygons.MatchLabel(labelSource);
            if (!labelMatch.Success)
            {
                continue;
            }

            string label = PythonText.Strip(labelMatch.Value);
            int labelStart = chunkOffset + (chunk.Length - labelSource.Length) + labelMatch.Index;
            double? labelScore = label.Length > 0 ? scorer?.Score(labelStart, labelStart + labelMatch.Length) : null;
            foreach ((string instance, int instanceIndex) in SplitInstances(chunk))
            {
                var polygons = new List<IReadOnlyList<Point2>>();
                var ranges = new List<SpanRange>();
                foreach (Match match in Polygon.Matches(instance))
                {
                    Group run = match.Groups[1];
                    polygons.Add(dequantizer.Points(LocTokenReader.ReadBins(run.Value)));
                    ranges.Add(new SpanRange(chunkOffset + instanceIndex + run.Index, chunkOffset + instanceIndex + run.Index + run.Length));
                }

                if (polygons.Count > 0)
                {
                    segments.Add(new Segment(label, polygons) { Score = scorer?.Score(ranges), LabelScore = labelScore });
                }
            }
        }

        return segments;
    }

    /// <summary>
    /// With both <c>&lt;poly&gt;</c> and <c>&lt;/poly&gt;</c> present each <c>&lt;poly&gt;…&lt;/poly&gt;</c> is an instance;
    /// otherwise the whole chunk (label included) is one instance.
    /// </summary>
    /// <remarks>
    /// Each instance comes with its position in the chunk. Inside an instance each maximal run of loc tokens followed by
    /// <c>&lt;sep&gt;</c> or the end is one polygon; an odd last bin is dropped, so a run of a single token yields an empty
    /// polygon, as in the reference.
    /// </remarks>
    private static IEnumerable<(string Text, int Index)> SplitInstances(string chunk)
    {
        if (!chunk.Contains(PolyStart, StringComparison.Ordinal) || !chunk.Contains(PolyEnd, StringComparison.Ordinal))
        {
            return [(chunk, 0)];
        }

        return PolyInstance.Matches(chunk).Select(match => (match.Groups[1].Value, match.Groups[1].Index));
    }
}
