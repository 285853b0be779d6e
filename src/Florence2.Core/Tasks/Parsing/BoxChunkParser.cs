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
    public static List<LabelledBoxes> Parse(string generatedText, bool requireLabel, Dequantizer dequantizer)
    {
        string text = SpecialTokens.RemoveBosEosAndPad(generatedText);
        var instances = new List<LabelledBoxes>();
        foreach (string chunk in PhraseChunker.Boxes.FindChunks(text, requireLabel))
        {
            string? label = PhraseChunker.Boxes.ReadLabel(chunk);
            if (label is null)
            {
                continue;
            }

            List<LocationBins> bins = LocTokenReader.ReadBoxes(chunk);
            if (bins.Count == 0)
            {
                continue;
            }

            instances.Add(new LabelledBoxes(label, bins.ConvertAll(dequantizer.Box)));
        }

        return instances;
    }
}
