using System.Text.Json.Serialization;

namespace Florence2.Tasks;

/// <summary>
/// The typed answer of a task. Exactly the members that apply are non-null, so it serializes as <c>{"text":…}</c>,
/// <c>{"detections":[…]}</c>, <c>{"lines":[…]}</c>, <c>{"segments":[…]}</c>, or — for open-vocabulary detection —
/// <c>{"detections":[…],"segments":[…]}</c>.
/// </summary>
public sealed record TaskResult
{
    private TaskResult()
    {
    }

    /// <summary>Text answer (captions, OCR, region-to-text tasks).</summary>
    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; private init; }

    /// <summary>Labelled boxes.</summary>
    [JsonPropertyName("detections")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Detection>? Detections { get; private init; }

    /// <summary>OCR lines with quadrilaterals.</summary>
    [JsonPropertyName("lines")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TextLine>? Lines { get; private init; }

    /// <summary>Labelled polygon instances.</summary>
    [JsonPropertyName("segments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Segment>? Segments { get; private init; }

    /// <summary>The same answer with other instance lists (scores attached, instances filtered); the text stays.</summary>
    internal TaskResult WithInstances(IReadOnlyList<Detection>? detections, IReadOnlyList<TextLine>? lines, IReadOnlyList<Segment>? segments) =>
        this with { Detections = detections, Lines = lines, Segments = segments };

    public static TaskResult FromText(string text) => new() { Text = text };

    public static TaskResult FromDetections(IReadOnlyList<Detection> detections) => new() { Detections = detections };

    public static TaskResult FromLines(IReadOnlyList<TextLine> lines) => new() { Lines = lines };

    public static TaskResult FromSegments(IReadOnlyList<Segment> segments) => new() { Segments = segments };

    /// <summary>The same answer with its segments replaced (e.g. measured by <see cref="SegmentMasks"/>).</summary>
    public TaskResult WithSegments(IReadOnlyList<Segment> segments) => this with { Segments = segments };

    /// <summary>Open-vocabulary detection: both lists are always present (one of them empty).</summary>
    public static TaskResult FromDetectionsAndSegments(IReadOnlyList<Detection> detections, IReadOnlyList<Segment> segments) =>
        new() { Detections = detections, Segments = segments };
}
