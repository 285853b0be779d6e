using Florence2.Generation;

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
    /// <param name="tokens">
    /// The generated tokens with their transition log-probabilities (the engine's <c>EngineResult.Tokens</c>). When given,
    /// every box, quadrilateral and polygon instance gets a <c>Score</c>, and every non-empty label a <c>LabelScore</c>
    /// (spec §16); without them the answer has no scores, like the reference's <c>text=</c> call.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">The image size is not positive.</exception>
    public static ParsedGeneration Parse(
        Florence2Task task,
        string generatedText,
        int imageWidth,
        int imageHeight,
        PostProcessingOptions? options = null,
        IReadOnlyList<GeneratedToken>? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(generatedText);
        options ??= PostProcessingOptions.Default;
        var dequantizer = new Dequantizer(imageWidth, imageHeight, options.Coordinates);

        TaskResult result = ParseResult(task, generatedText, dequantizer, options, scorer: null);
        if (tokens is { Count: > 0 } && task.PostProcessing != PostProcessingType.PureText)
        {
            // The answer comes from the decoded text, so it is exactly the text= call's; the scores come from the same
            // parse of the decode_with_spans text, whose instances are the same ones in the same order (it differs only
            // by the clean-up's spaces before punctuation and by U+FFFD for split characters, neither of which can
            // make or break a chunk, a box or a blacklisted phrase).
            var scorer = new SpanScorer(tokens);
            result = ScoreTransfer.Apply(result, ParseResult(task, scorer.Text, dequantizer, options, scorer));
        }

        return new ParsedGeneration(task, result, options.Coordinates);
    }

    private static TaskResult ParseResult(Florence2Task task, string text, Dequantizer dequantizer, PostProcessingOptions options,
        SpanScorer? scorer) =>
        task.PostProcessing switch
        {
            PostProcessingType.Ocr =>
                TaskResult.FromLines(OcrParser.Parse(text, dequantizer, options.KeepEosInFirstOcrLabel, scorer)),
            PostProcessingType.DescriptionWithBboxes =>
                TaskResult.FromDetections(DetectionParser.Parse(text, requireLabel: true, dequantizer, scorer)),
            PostProcessingType.Bboxes =>
                TaskResult.FromDetections(DetectionParser.Parse(text, requireLabel: false, dequantizer, scorer)),
            PostProcessingType.PhraseGrounding =>
                TaskResult.FromDetections(PhraseGroundingParser.Parse(text, dequantizer, scorer)),
            PostProcessingType.Polygons =>
                TaskResult.FromSegments(PolygonParser.Parse(text, requireLabel: false, dequantizer, scorer)),
            PostProcessingType.DescriptionWithPolygons =>
                TaskResult.FromSegments(PolygonParser.Parse(text, requireLabel: true, dequantizer, scorer)),
            PostProcessingType.DescriptionWithBboxesOrPolygons => OpenVocabularyParser.Parse(text, dequantizer, scorer),
            _ => TaskResult.FromText(ParsePureText(text)),
        };

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
