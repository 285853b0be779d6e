namespace Florence2.Tasks;

/// <summary>One phrase chunk of a box-style output: its stripped label (before any ASCII filtering) and all its boxes.</summary>
internal sealed record LabelledBoxes(string Label, IReadOnlyList<BoundingBox> Boxes);
