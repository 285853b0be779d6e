using System.Net;
using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Service.Tests;

/// <summary>
/// <c>mask_format</c> on a scripted segmentation: the RLE (decoded by a decoder written from COCO's description) is
/// the PNG mask and the rasterisation of the answer's own polygons; the area is the count of set pixels; a value the
/// task can't honour is a 400 naming the field.
/// </summary>
public sealed class MaskFormatTests(ScriptedServices services) : IClassFixture<ScriptedServices>
{
    private const int Width = 64, Height = 48;

    /// <summary>One instance, two polygons (a triangle and a quadrilateral).</summary>
    private const string PolyScript =
        "<s><poly><loc_100><loc_200><loc_500><loc_150><loc_300><loc_700><sep><loc_600><loc_500><loc_950><loc_520><loc_900><loc_950><loc_650><loc_900></poly>";

    public static TheoryData<string, BodyFormat> SegmentationCalls() => new()
    {
        { "referring_expression_segmentation", BodyFormat.Multipart },
        { "referring_expression_segmentation", BodyFormat.Json },
        { "region_to_segmentation", BodyFormat.Multipart },
        { "region_to_segmentation", BodyFormat.Json },
        { "open_vocabulary_detection", BodyFormat.Multipart },
    };

    [Theory]
    [MemberData(nameof(SegmentationCalls))]
    public async Task Rle_and_png_masks_are_the_rasterised_polygons(string task, BodyFormat format)
    {
        var rle = await SegmentAsync(task, format, "rle");
        var png = await SegmentAsync(task, format, "png");

        Assert.Equal([Height, Width], rle["rle"]!["size"]!.AsArray().Select(n => (int)n!));
        var decoded = CocoRleDecoder.Decode(Height, Width, (string)rle["rle"]!["counts"]!);
        using var mask = Image.Load<L8>(Convert.FromBase64String((string)png["mask_png"]!));
        var polygons = PolygonRasterizer.Rasterize(PolygonsOf(rle), Width, Height);
        Assert.Equal((Width, Height), (mask.Width, mask.Height));
        long set = 0;
        int minX = Width, minY = Height, maxX = -1, maxY = -1;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                Assert.True(decoded[y, x] == (mask[x, y].PackedValue == 255), $"RLE and PNG differ at ({x}, {y})");
                Assert.True(decoded[y, x] == polygons[x, y], $"RLE and the polygons differ at ({x}, {y})");
                Assert.Contains(mask[x, y].PackedValue, new byte[] { 0, 255 });
                if (!decoded[y, x]) continue;
                set++;
                (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
            }
        Assert.InRange(set, 200, Width * Height / 2);   // both polygons drawn, far from the whole image
        Assert.Equal(set, (long)rle["area"]!);
        Assert.Equal(set, (long)png["area"]!);
        Assert.Equal([minX, minY, maxX + 1, maxY + 1], BoxOf(rle["bbox"]!));
        Assert.Null(rle["mask_png"]);
        Assert.Null(png["rle"]);
    }

    [Fact]
    public async Task The_default_gives_polygons_box_and_area_without_a_mask()
    {
        var segment = await SegmentAsync("referring_expression_segmentation", BodyFormat.Multipart, null);

        Assert.Equal(2, segment["polygons"]!.AsArray().Count);
        Assert.True((long)segment["area"]! > 0);
        Assert.NotNull(segment["bbox"]);
        Assert.Null(segment["rle"]);
        Assert.Null(segment["mask_png"]);
    }

    [Theory]
    [InlineData("referring_expression_segmentation", "bitmap")]
    [InlineData("od", "rle")]
    [InlineData("caption", "png")]
    public async Task A_format_the_task_cannot_give_is_a_400_naming_the_field(string task, string maskFormat)
    {
        var client = await services.ClientAsync(PolyScript);
        var call = TaskCall.For(task, TestImages.Png(Width, Height));
        using var response = await client.PostAsync(call.Url(Route.TaskName),
            TaskRequests.Multipart(call.Images, new Dictionary<string, string> { ["mask_format"] = maskFormat, ["max_new_tokens"] = "8" }
                .Concat(call.Text is null ? [] : [new("text", call.Text)]).ToDictionary()));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "mask_format");
        Assert.Contains(maskFormat, (string?)problem["detail"], StringComparison.Ordinal);
    }

    private async Task<JsonObject> SegmentAsync(string task, BodyFormat format, string? maskFormat)
    {
        var client = await services.ClientAsync(PolyScript);
        var call = TaskCall.For(task, TestImages.Png(Width, Height)) with { MaxNewTokens = 64 };
        if (call.Region is not null) call = call with { Region = [4, 4, 40, 30] };
        using var response = await client.PostAsync(call.Url(Route.TaskName), WithMaskFormat(call.Body(Route.TaskName, format), maskFormat));
        var body = await response.ReadObjectAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return Assert.Single(body["result"]!["segments"]!.AsArray())!.AsObject();
    }

    private static HttpContent WithMaskFormat(HttpContent body, string? maskFormat)
    {
        if (maskFormat is null) return body;
        if (body is MultipartFormDataContent form)
        {
            form.Add(new StringContent(maskFormat), "mask_format");
            return form;
        }
        var json = JsonNode.Parse(body.ReadAsStringAsync().GetAwaiter().GetResult())!.AsObject();
        json["mask_format"] = maskFormat;
        return new StringContent(json.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
    }

    private static IReadOnlyList<IReadOnlyList<Point2>> PolygonsOf(JsonObject segment) =>
        segment["polygons"]!.AsArray()
            .Select(polygon => (IReadOnlyList<Point2>)polygon!.AsArray().Select(p => new Point2((double)p!["x"]!, (double)p["y"]!)).ToList())
            .ToList();

    private static int[] BoxOf(JsonNode box) => [(int)(double)box["x1"]!, (int)(double)box["y1"]!, (int)(double)box["x2"]!, (int)(double)box["y2"]!];
}
