using System.Text.RegularExpressions;

namespace Florence2.Tasks;

/// <summary>
/// The part shared by description_with_bboxes, bboxes and phrase_grounding (spec §10.4 steps 1–5, §10.5): chunk the text,
/// read each chunk's label and boxes, and skip chunks without a label match or without a complete box.
/// </summary>
internal static class BoxChunkParser
{
    // The reference also removes the first "<obj>" from each chunk before reading the label. A chunk is "[^<]+" followed
    // by loc tokens only, so it can never contain "<obj>"; that step is a no-op and is left out. Likewise a chunk is never
    // empty, so the reference's empty-chunk test cannot trigger.
    //
    // With a scorer (spec §16.3, avg_loc_scores and avg_cat_name_scores), positions inside a chunk are shifted by the
    // reference's running offset: the leading <s>, then the length of every earlier chunk, skipped chunks included.
    public static List<LabelledBoxes> Parse(string generatedText, bool requireLabel, Dequantizer dequantizer, SpanScorer? scorer = null)
    {
        string text = SpecialTokens.RemoveBosEosAndPad(generatedText);
        var instances = new List<LabelledBoxes>();
        int offset = scorer?.StartOffset ?? 0;
        foreach (string chunk in PhraseChunker.Boxes.FindChunks(text, requireLabel))
        {
            int chunkOffset = offset;
            offset += chunk.Length;
            Match label = PhraseChunker.Boxes.MatchLabel(chunk);
            if (!label.Success)
            {
                continue;
            }

            MatchCollection boxes = LocTokenReader.MatchBoxes(chunk);
            if (boxes.Count == 0)
            {
                continue;
            }

            instances.Add(new LabelledBoxes(PythonText.Strip(label.Value), boxes.Select(m => dequantizer.Box(LocTokenReader.BoxBins(m))).ToList())
            {
                BoxScores = scorer is null ? null : boxes.Select(m => scorer.Score(chunkOffset + m.Index, chunkOffset + m.Index + m.Length)).ToList(),
                LabelScore = scorer?.Score(chunkOffset + label.Index, chunkOffset + label.Index + label.Length),
            });
        }

        return instances;
    }
}
