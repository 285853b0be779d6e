using System.Text.RegularExpressions;

namespace Florence2.Tasks;

/// <summary>
/// ocr (OCR_WITH_REGION), spec §10.3 and §15.3: each line is the shortest non-empty text (no newline) before eight loc
/// tokens, which give four (x, y) corners. Labels are not stripped. Only <c>&lt;s&gt;</c> is removed before matching, so the
/// first label starts with <c>&lt;/s&gt;</c> unless <see cref="PostProcessingOptions.KeepEosInFirstOcrLabel"/> is false,
/// in which case that one leading <c>&lt;/s&gt;</c> is cut off AFTER matching (cutting it before would merge an empty first
/// line into the next one and lose a quad).
/// </summary>
internal static class OcrParser
{
    private static readonly Regex Line = new(
        @"(.+?)<loc_(\d+)><loc_(\d+)><loc_(\d+)><loc_(\d+)><loc_(\d+)><loc_(\d+)><loc_(\d+)><loc_(\d+)>",
        RegexOptions.Compiled);

    // The reference's area filter has threshold 0.0 (later versions), so no quad is ever dropped; it is not reproduced.
    // With a scorer, the quad scores its eight loc tokens and the label its text, positions shifted by the running
    // offset of the box parsers (spec §16.3): the leading <s>, then the length of every earlier line.
    public static List<TextLine> Parse(string generatedText, Dequantizer dequantizer, bool keepEosInFirstLabel, SpanScorer? scorer = null)
    {
        string text = SpecialTokens.RemoveBos(generatedText);
        var lines = new List<TextLine>();
        int offset = scorer?.StartOffset ?? 0;
        foreach (Match match in Line.Matches(text))
        {
            int lineOffset = offset;
            offset += match.Length;
            string label = match.Groups[1].Value;
            if (lines.Count == 0 && !keepEosInFirstLabel && label.StartsWith(SpecialTokens.Eos, StringComparison.Ordinal))
            {
                label = label[SpecialTokens.Eos.Length..];
            }

            var quad = new Point2[4];
            for (int corner = 0; corner < 4; corner++)
            {
                quad[corner] = dequantizer.Point(
                    LocTokenReader.Bin(match, 2 + (2 * corner)), LocTokenReader.Bin(match, 3 + (2 * corner)));
            }

            Group labelGroup = match.Groups[1];
            int quadStart = labelGroup.Index + labelGroup.Length;
            lines.Add(new TextLine(label, quad)
            {
                Score = scorer?.Score(lineOffset + quadStart - match.Index, lineOffset + match.Length),
                LabelScore = label.Length > 0 ? scorer?.Score(lineOffset, lineOffset + labelGroup.Length) : null,
            });
        }

        return lines;
    }
}
