using System.Diagnostics.CodeAnalysis;

namespace Florence2.Tasks;

/// <summary>
/// The 15 Florence-2 tasks (spec §6.1), in the order of Microsoft's processor tables: first the tasks without input, then
/// the tasks with input. That order matters for <see cref="PromptBuilder.BuildFromRawText"/>, which mirrors the processor's
/// first-match loops.
/// </summary>
public static class TaskCatalog
{
    public static readonly Florence2Task Ocr = new(
        "<OCR>", "ocr", "What is the text in the image?",
        TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Ocr,
        "Reads all text in the image as one string.");

    public static readonly Florence2Task OcrWithRegion = new(
        "<OCR_WITH_REGION>", "ocr_with_region", "What is the text in the image, with regions?",
        TaskInputKind.None, PostProcessingType.Ocr, TaskFamily.Ocr,
        "Reads each text line with its quadrilateral in pixels.");

    public static readonly Florence2Task Caption = new(
        "<CAPTION>", "caption", "What does the image describe?",
        TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Caption,
        "Describes the image in one short sentence.");

    public static readonly Florence2Task DetailedCaption = new(
        "<DETAILED_CAPTION>", "detailed_caption", "Describe in detail what is shown in the image.",
        TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Caption,
        "Describes the image in a few sentences.");

    public static readonly Florence2Task MoreDetailedCaption = new(
        "<MORE_DETAILED_CAPTION>", "more_detailed_caption", "Describe with a paragraph what is shown in the image.",
        TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Caption,
        "Describes the image in a paragraph.");

    public static readonly Florence2Task ObjectDetection = new(
        "<OD>", "od", "Locate the objects with category name in the image.",
        TaskInputKind.None, PostProcessingType.DescriptionWithBboxes, TaskFamily.Detect,
        "Detects objects and returns a category name and a box for each.");

    public static readonly Florence2Task DenseRegionCaption = new(
        "<DENSE_REGION_CAPTION>", "dense_region_caption", "Locate the objects in the image, with their descriptions.",
        TaskInputKind.None, PostProcessingType.DescriptionWithBboxes, TaskFamily.Detect,
        "Detects objects and returns a short description and a box for each.");

    public static readonly Florence2Task RegionProposal = new(
        "<REGION_PROPOSAL>", "region_proposal", "Locate the region proposals in the image.",
        TaskInputKind.None, PostProcessingType.Bboxes, TaskFamily.Detect,
        "Proposes unlabelled boxes around likely objects.");

    public static readonly Florence2Task PhraseGrounding = new(
        "<CAPTION_TO_PHRASE_GROUNDING>", "phrase_grounding", "Locate the phrases in the caption: {input}",
        TaskInputKind.Text, PostProcessingType.PhraseGrounding, TaskFamily.Detect,
        "Finds a box for each phrase of the given caption.");

    public static readonly Florence2Task ReferringExpressionSegmentation = new(
        "<REFERRING_EXPRESSION_SEGMENTATION>", "referring_expression_segmentation", "Locate {input} in the image with mask",
        TaskInputKind.Text, PostProcessingType.Polygons, TaskFamily.Segment,
        "Returns polygon masks of the object the given expression refers to.");

    public static readonly Florence2Task RegionToSegmentation = new(
        "<REGION_TO_SEGMENTATION>", "region_to_segmentation", "What is the polygon mask of region {input}",
        TaskInputKind.Region, PostProcessingType.Polygons, TaskFamily.Segment,
        "Returns polygon masks of the object inside the given region.");

    public static readonly Florence2Task OpenVocabularyDetection = new(
        "<OPEN_VOCABULARY_DETECTION>", "open_vocabulary_detection", "Locate {input} in the image.",
        TaskInputKind.Text, PostProcessingType.DescriptionWithBboxesOrPolygons, TaskFamily.Detect,
        "Finds boxes (or polygons) of the objects named by the given text.");

    public static readonly Florence2Task RegionToCategory = new(
        "<REGION_TO_CATEGORY>", "region_to_category", "What is the region {input}?",
        TaskInputKind.Region, PostProcessingType.PureText, TaskFamily.Caption,
        "Names the category of the object inside the given region.");

    public static readonly Florence2Task RegionToDescription = new(
        "<REGION_TO_DESCRIPTION>", "region_to_description", "What does the region {input} describe?",
        TaskInputKind.Region, PostProcessingType.PureText, TaskFamily.Caption,
        "Describes the content of the given region.");

    public static readonly Florence2Task RegionToOcr = new(
        "<REGION_TO_OCR>", "region_to_ocr", "What text is in the region {input}?",
        TaskInputKind.Region, PostProcessingType.PureText, TaskFamily.Ocr,
        "Reads the text inside the given region.");

    /// <summary>All tasks in the processor's table order (no-input tasks first).</summary>
    public static IReadOnlyList<Florence2Task> All { get; } =
    [
        Ocr, OcrWithRegion, Caption, DetailedCaption, MoreDetailedCaption, ObjectDetection, DenseRegionCaption, RegionProposal,
        PhraseGrounding, ReferringExpressionSegmentation, RegionToSegmentation, OpenVocabularyDetection,
        RegionToCategory, RegionToDescription, RegionToOcr,
    ];

    private static readonly Dictionary<string, Florence2Task> ByName =
        All.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    // Tokens are matched exactly: the Python processor's lookups are case-sensitive substring tests.
    private static readonly Dictionary<string, Florence2Task> ByToken = All.ToDictionary(t => t.Token, StringComparer.Ordinal);

    /// <summary>
    /// Finds a task by friendly name (case-insensitive, e.g. <c>OD</c>, <c>phrase_grounding</c>) or by exact task token
    /// (e.g. <c>&lt;CAPTION_TO_PHRASE_GROUNDING&gt;</c>).
    /// </summary>
    public static bool TryFind(string? nameOrToken, [NotNullWhen(true)] out Florence2Task? task)
    {
        task = null;
        if (string.IsNullOrEmpty(nameOrToken))
        {
            return false;
        }

        return ByName.TryGetValue(nameOrToken, out task) || ByToken.TryGetValue(nameOrToken, out task);
    }

    /// <summary>The family's name as the API spells it: <c>detect</c>, <c>caption</c>, <c>ocr</c>, <c>segment</c>.</summary>
    public static string FamilyName(TaskFamily family) => family switch
    {
        TaskFamily.Detect => "detect",
        TaskFamily.Caption => "caption",
        TaskFamily.Ocr => "ocr",
        TaskFamily.Segment => "segment",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Not a task family."),
    };

    /// <summary>The REST route that serves the family, e.g. <c>/v1/detect</c> (named here so messages can point to it).</summary>
    public static string RouteOf(TaskFamily family) => "/v1/" + FamilyName(family);

    /// <summary>The task a family's endpoint runs when the caller names none.</summary>
    public static Florence2Task DefaultOf(TaskFamily family) => family switch
    {
        TaskFamily.Detect => ObjectDetection,
        TaskFamily.Caption => Caption,
        TaskFamily.Ocr => Ocr,
        TaskFamily.Segment => ReferringExpressionSegmentation,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "Not a task family."),
    };

    /// <summary>Like <see cref="TryFind"/> but throws <see cref="KeyNotFoundException"/> listing the valid names.</summary>
    public static Florence2Task Find(string nameOrToken) =>
        TryFind(nameOrToken, out var task)
            ? task
            : throw new KeyNotFoundException(
                $"Unknown Florence-2 task '{nameOrToken}'. Valid names: {string.Join(", ", All.Select(t => t.Name))}.");
}
