using System.Text.Json.Nodes;

namespace Florence2.Tasks;

/// <summary>
/// Renders a <see cref="TaskResult"/> with exactly the keys and nesting of Microsoft's <c>post_process_generation</c>
/// (spec §10.8): <c>{task_token: value}</c>.
/// </summary>
public static class HfDictionaryWriter
{
    /// <param name="task">Its token becomes the single key.</param>
    /// <param name="result">The typed answer of that task.</param>
    /// <param name="coordinates">Integers are written as JSON integers for <see cref="CoordinateFormat.TruncatedInteger"/>.</param>
    public static JsonObject Write(Florence2Task task, TaskResult result, CoordinateFormat coordinates)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(result);
        var numbers = new NumberWriter(coordinates == CoordinateFormat.TruncatedInteger);
        JsonNode? value = task.PostProcessing switch
        {
            PostProcessingType.PureText => JsonValue.Create(result.Text ?? string.Empty),
            PostProcessingType.Ocr => new JsonObject
            {
                ["quad_boxes"] = Array(result.Lines, line => numbers.Flat(line.Quad)),
                ["labels"] = Array(result.Lines, line => JsonValue.Create(line.Text)),
            },
            PostProcessingType.Polygons or PostProcessingType.DescriptionWithPolygons => new JsonObject
            {
                ["polygons"] = Array(result.Segments, segment => numbers.Polygons(segment)),
                ["labels"] = Array(result.Segments, segment => JsonValue.Create(segment.Label)),
            },
            PostProcessingType.DescriptionWithBboxesOrPolygons => new JsonObject
            {
                ["bboxes"] = Array(result.Detections, detection => numbers.Box(detection.Box)),
                ["bboxes_labels"] = Array(result.Detections, detection => JsonValue.Create(detection.Label)),
                ["polygons"] = Array(result.Segments, segment => numbers.Polygons(segment)),
                ["polygons_labels"] = Array(result.Segments, segment => JsonValue.Create(segment.Label)),
            },
            _ => new JsonObject
            {
                ["bboxes"] = Array(result.Detections, detection => numbers.Box(detection.Box)),
                ["labels"] = Array(result.Detections, detection => JsonValue.Create(detection.Label)),
            },
        };

        return new JsonObject { [task.Token] = value };
    }

    private static JsonArray Array<T>(IReadOnlyList<T>? items, Func<T, JsonNode?> render) =>
        new((items ?? []).Select(render).ToArray());

    /// <summary>Writes coordinates as JSON numbers: doubles, or integers in truncated-integer mode.</summary>
    private sealed class NumberWriter(bool asIntegers)
    {
        public JsonNode Number(double value) =>
            asIntegers ? JsonValue.Create((long)value) : JsonValue.Create(value);

        public JsonArray Box(BoundingBox box) => new(Number(box.X1), Number(box.Y1), Number(box.X2), Number(box.Y2));

        /// <summary>Points flattened to [x1, y1, x2, y2, …], the reference's layout for quads and polygons.</summary>
        public JsonArray Flat(IReadOnlyList<Point2> points) =>
            new(points.SelectMany(p => new[] { Number(p.X), Number(p.Y) }).ToArray());

        /// <summary>polygons[polygon][flat coords] of one instance.</summary>
        public JsonArray Polygons(Segment segment) => new(segment.Polygons.Select(p => (JsonNode?)Flat(p)).ToArray());
    }
}
