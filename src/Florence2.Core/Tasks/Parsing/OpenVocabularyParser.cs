namespace Florence2.Tasks;

/// <summary>
/// description_with_bboxes_or_polygons (OPEN_VOCABULARY_DETECTION), spec §10.7 and §15.5: once <c>&lt;poly&gt;</c> appears
/// anywhere in the output the whole text is parsed as labelled polygons (so a plain 4-token box becomes a two-point polygon);
/// otherwise as labelled boxes.
/// </summary>
internal static class OpenVocabularyParser
{
    public static TaskResult Parse(string generatedText, Dequantizer dequantizer, SpanScorer? scorer = null) =>
        generatedText.Contains("<poly>", StringComparison.Ordinal)
            ? TaskResult.FromDetectionsAndSegments([], PolygonParser.Parse(generatedText, requireLabel: true, dequantizer, scorer))
            : TaskResult.FromDetectionsAndSegments(DetectionParser.Parse(generatedText, requireLabel: true, dequantizer, scorer), []);
}
