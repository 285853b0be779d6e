using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

/// <summary>Assertions with the tolerance the spec asks for (1e-3) and short builders for expected values.</summary>
internal static class TaskAssert
{
    public const double Tolerance = 1e-3;

    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Compact JSON without escaping '&lt;' and '&gt;', so expected strings read like the Python output.</summary>
    public static string Json(JsonNode node) => node.ToJsonString(ReadableJson);

    public static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance, $"Expected {expected:R} ± {Tolerance}, got {actual:R}.");

    public static void Box(double[] expected, BoundingBox actual)
    {
        Assert.Equal(4, expected.Length);
        Close(expected[0], actual.X1);
        Close(expected[1], actual.Y1);
        Close(expected[2], actual.X2);
        Close(expected[3], actual.Y2);
    }

    /// <summary>Compares points with a flat [x1, y1, x2, y2, …] list, the reference's layout.</summary>
    public static void Points(double[] expectedFlat, IReadOnlyList<Point2> actual)
    {
        Assert.Equal(expectedFlat.Length / 2, actual.Count);
        for (int i = 0; i < actual.Count; i++)
        {
            Close(expectedFlat[2 * i], actual[i].X);
            Close(expectedFlat[(2 * i) + 1], actual[i].Y);
        }
    }

    public static void Detections(IReadOnlyList<(string Label, double[] Box)> expected, IReadOnlyList<Detection>? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Select(e => e.Label), actual.Select(a => a.Label));
        for (int i = 0; i < expected.Count; i++)
        {
            Box(expected[i].Box, actual[i].Box);
        }
    }

    /// <summary>Parses with default options.</summary>
    public static TaskResult Parse(Florence2Task task, string text, int width = 1000, int height = 1000) =>
        Florence2PostProcessor.Parse(task, text, width, height, PostProcessingOptions.Default).Result;

    /// <summary>Eight loc tokens from bins 1..8, a convenient OCR quad.</summary>
    public const string Quad1To8 = "<loc_1><loc_2><loc_3><loc_4><loc_5><loc_6><loc_7><loc_8>";

    /// <summary>Four loc tokens from bins 1..4.</summary>
    public const string Box1To4 = "<loc_1><loc_2><loc_3><loc_4>";
}
