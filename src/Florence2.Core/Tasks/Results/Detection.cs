using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>A labelled box (OD, dense captions, region proposals with an empty label, phrase grounding, open vocabulary).</summary>
public sealed record Detection(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("box")] BoundingBox Box) : ScoredInstance;
