namespace Florence2.Tasks;

/// <summary>
/// One phrase chunk of a box-style output: its stripped label (before any ASCII filtering) and all its boxes, with each
/// box's score and the label's score when the chunk was parsed with a <see cref="SpanScorer"/>.
/// </summary>
internal sealed record LabelledBoxes(string Label, IReadOnlyList<BoundingBox> Boxes)
{
    public IReadOnlyList<double>? BoxScores { get; init; }

    public double? LabelScore { get; init; }
}
