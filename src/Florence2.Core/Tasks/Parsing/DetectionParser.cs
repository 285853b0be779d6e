namespace Florence2.Tasks;

/// <summary>
/// description_with_bboxes (OD, DENSE_REGION_CAPTION, and the box branch of OPEN_VOCABULARY_DETECTION) and bboxes
/// (REGION_PROPOSAL), spec §10.4: one detection per box, labels with non-ASCII characters removed.
/// </summary>
internal static class DetectionParser
{
    /// <param name="generatedText">Decoded model output.</param>
    /// <param name="requireLabel">True for description_with_bboxes; false for bboxes, whose labels are all empty.</param>
    /// <param name="dequantizer">Image size and coordinate format.</param>
    /// <param name="scorer">Scores the boxes and labels when given (spec §16.3).</param>
    public static List<Detection> Parse(string generatedText, bool requireLabel, Dequantizer dequantizer, SpanScorer? scorer = null) =>
        Flatten(BoxChunkParser.Parse(generatedText, requireLabel, dequantizer, scorer));

    /// <summary>
    /// One detection per box, each carrying its chunk's label with non-ASCII characters removed, its own box score and
    /// the chunk's label score (when the label is not empty).
    /// </summary>
    public static List<Detection> Flatten(IEnumerable<LabelledBoxes> instances)
    {
        var detections = new List<Detection>();
        foreach (LabelledBoxes instance in instances)
        {
            string label = PythonText.AsciiOnly(instance.Label);
            double? labelScore = label.Length > 0 ? instance.LabelScore : null;
            detections.AddRange(instance.Boxes.Select((box, i) =>
                new Detection(label, box) { Score = instance.BoxScores?[i], LabelScore = labelScore }));
        }

        return detections;
    }
}
