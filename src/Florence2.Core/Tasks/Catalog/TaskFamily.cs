namespace Florence2.Tasks;

/// <summary>Coarse grouping of the tasks, used to organise the public API surface.</summary>
public enum TaskFamily
{
    /// <summary>Tasks that return boxes: od, dense_region_caption, region_proposal, open_vocabulary_detection, phrase_grounding.</summary>
    Detect,

    /// <summary>Tasks that return text about the image or a region.</summary>
    Caption,

    /// <summary>Text reading: ocr, ocr_with_region, region_to_ocr.</summary>
    Ocr,

    /// <summary>Tasks that return polygon masks.</summary>
    Segment,
}
