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
    // With a scorer, generatedText is the span text (spec §16.2). It lacks the decoder start token's "</s>", which the
    // decoded text starts with and which can be a whole first label, so that "</s>" is put back in front (at positions
    // before 0, which no token covers) for the lines to be the decoded text's lines. The reference scores no OCR, so
    // positions are mapped back exactly, character by character, past every removed <s>: the quad scores its eight loc
    // tokens and the label the tokens of its text.
    public static List<TextLine> Parse(string generatedText, Dequantizer dequantizer, bool keepEosInFirstLabel, SpanScorer? scorer = null)
    {
        string source = scorer is null ? generatedText : SpecialTokens.Eos + generatedText;
        (string text, int[]? positions) = scorer is null ? (SpecialTokens.RemoveBos(source), null) : RemoveBosMapped(source);
        int shift = -(source.Length - generatedText.Length);
        var lines = new List<TextLine>();
        foreach (Match match in Line.Matches(text))
        {
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
                Score = positions is null ? null : scorer!.Score(Ranges(positions, quadStart, match.Index + match.Length, shift)),
                LabelScore = positions is null || label.Length == 0
                    ? null
                    : scorer!.Score(Ranges(positions, labelGroup.Index, quadStart, shift)),
            });
        }

        return lines;
    }

    /// <summary><paramref name="source"/> without <c>&lt;s&gt;</c>, and for each remaining character its index in the source.</summary>
    private static (string Text, int[] Positions) RemoveBosMapped(string source)
    {
        var text = new System.Text.StringBuilder(source.Length);
        var positions = new List<int>(source.Length);
        for (int i = 0; i < source.Length; i++)
        {
            if (string.CompareOrdinal(source, i, SpecialTokens.Bos, 0, SpecialTokens.Bos.Length) == 0)
            {
                i += SpecialTokens.Bos.Length - 1;
                continue;
            }

            text.Append(source[i]);
            positions.Add(i);
        }

        return (text.ToString(), positions.ToArray());
    }

    /// <summary>The source ranges (shifted) of the characters <c>[start, end)</c> of the text: one per contiguous run.</summary>
    private static List<SpanRange> Ranges(int[] positions, int start, int end, int shift)
    {
        var ranges = new List<SpanRange>();
        for (int i = start; i < end; i++)
        {
            int position = positions[i] + shift;
            if (ranges.Count > 0 && ranges[^1].End == position)
            {
                ranges[^1] = ranges[^1] with { End = position + 1 };
            }
            else
            {
                ranges.Add(new SpanRange(position, position + 1));
            }
        }

        return ranges;
    }
}
