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
    public static List<Detection> Parse(string generatedText, bool requireLabel, Dequantizer dequantizer) =>
        Flatten(BoxChunkParser.Parse(generatedText, requireLabel, dequantizer));

    /// <summary>One detection per box, each carrying its chunk's label with non-ASCII characters removed.</summary>
    public static List<Detection> Flatten(IEnumerable<LabelledBoxes> instances)
    {
        var detections = new List<Detection>();
        foreach (LabelledBoxes instance in instances)
        {
            string label = PythonText.AsciiOnly(instance.Label);
            detections.AddRange(instance.Boxes.Select(box => new Detection(label, box)));
        }

        return detections;
    }
}
