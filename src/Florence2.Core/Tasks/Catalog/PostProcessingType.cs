namespace Florence2.Tasks;

/// <summary>
/// How the generated text of a task is parsed; one value per <c>tasks_answer_post_processing_type</c> of Microsoft's
/// processor (spec §10.2–10.7).
/// </summary>
public enum PostProcessingType
{
    /// <summary><c>pure_text</c>: the text with <c>&lt;s&gt;</c>/<c>&lt;/s&gt;</c> removed (§10.2).</summary>
    PureText,

    /// <summary><c>ocr</c>: text lines each followed by a quadrilateral of 8 loc tokens (§10.3).</summary>
    Ocr,

    /// <summary><c>description_with_bboxes</c>: labelled boxes (§10.4).</summary>
    DescriptionWithBboxes,

    /// <summary><c>bboxes</c>: unlabelled boxes (§10.4).</summary>
    Bboxes,

    /// <summary><c>phrase_grounding</c>: labelled boxes with a pronoun/stop-phrase blacklist (§10.5).</summary>
    PhraseGrounding,

    /// <summary><c>polygons</c>: unlabelled polygon instances (§10.6).</summary>
    Polygons,

    /// <summary><c>description_with_polygons</c>: labelled polygon instances (§10.6).</summary>
    DescriptionWithPolygons,

    /// <summary><c>description_with_bboxes_or_polygons</c>: polygons if the text holds <c>&lt;poly&gt;</c>, else boxes (§10.7).</summary>
    DescriptionWithBboxesOrPolygons,
}
