namespace Florence2.Tasks;

/// <summary>
/// Turns the decoded model output (special tokens kept, e.g. <c>&lt;/s&gt;&lt;s&gt;car&lt;loc_53&gt;…&lt;/s&gt;</c>) into the
/// task's answer, following Microsoft's <c>post_process_generation</c> (spec §10). Pure and total: any string parses
/// without throwing; text the reference would not understand yields empty lists.
/// </summary>
public static class Florence2PostProcessor
{
    /// <param name="task">The task the text was generated for.</param>
    /// <param name="generatedText">The decoded output, special tokens kept (spec §9).</param>
    /// <param name="imageWidth">Width of the ORIGINAL image in pixels (not 768).</param>
    /// <param name="imageHeight">Height of the original image in pixels.</param>
    /// <param name="options">Quirk choices; <see cref="PostProcessingOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The image size is not positive.</exception>
    public static ParsedGeneration Parse(
        Florence2Task task,
        string generatedText,
        int imageWidth,
        int imageHeight,
        PostProcessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(generatedText);
        options ??= PostProcessingOptions.Default;
        var dequantizer = new Dequantizer(imageWidth, imageHeight, options.Coordinates);

        TaskResult result = task.PostProcessing switch
        {
            PostProcessingType.Ocr =>
                TaskResult.FromLines(OcrParser.Parse(generatedText, dequantizer, options.KeepEosInFirstOcrLabel)),
            PostProcessingType.DescriptionWithBboxes =>
                TaskResult.FromDetections(DetectionParser.Parse(generatedText, requireLabel: true, dequantizer)),
            PostProcessingType.Bboxes =>
                TaskResult.FromDetections(DetectionParser.Parse(generatedText, requireLabel: false, dequantizer)),
            PostProcessingType.PhraseGrounding =>
                TaskResult.FromDetections(PhraseGroundingParser.Parse(generatedText, dequantizer)),
            PostProcessingType.Polygons =>
                TaskResult.FromSegments(PolygonParser.Parse(generatedText, requireLabel: false, dequantizer)),
            PostProcessingType.DescriptionWithPolygons =>
                TaskResult.FromSegments(PolygonParser.Parse(generatedText, requireLabel: true, dequantizer)),
            PostProcessingType.DescriptionWithBboxesOrPolygons => OpenVocabularyParser.Parse(generatedText, dequantizer),
            _ => TaskResult.FromText(ParsePureText(generatedText)),
        };

        return new ParsedGeneration(task, result, options.Coordinates);
    }

    /// <summary>
    /// pure_text (spec §10.2), also what the reference does for text without a known task token: every <c>&lt;s&gt;</c> and
    /// <c>&lt;/s&gt;</c> removed, nothing else (no trimming; <c>&lt;pad&gt;</c> and loc tokens stay).
    /// </summary>
    public static string ParsePureText(string generatedText)
    {
        ArgumentNullException.ThrowIfNull(generatedText);
        return SpecialTokens.RemoveBosAndEos(generatedText);
    }
}
