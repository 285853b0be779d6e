using System.Net;
using System.Net.Http.Headers;
using Florence2.Drawing;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tasks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Service.Tests;

/// <summary>
/// <c>Accept: image/*</c> on a scripted detection whose box is known: the answer is the input image, same size, with
/// the box's outline in the label's colour, its inside and everything away from it untouched; several images or an
/// image type the service can't draw are a 406 problem.
/// </summary>
public sealed class AnnotatedImageTests(ScriptedServices services) : IClassFixture<ScriptedServices>
{
    private const int Width = 640, Height = 480;

    /// <summary>"car" at bins 53, 333, 933, 774: the box (34.24, 160.08)-(597.44, 371.76) on 640×480.</summary>
    private const string OdScript = "<s>car<loc_53><loc_333><loc_933><loc_774>";

    private static readonly RectangleF Box = new(34.24f, 160.08f, 597.44f - 34.24f, 371.76f - 160.08f);

    private static readonly byte[] Input = TestImages.Png(Width, Height, seed: 7);

    [Theory]
    [InlineData("image/png")]
    [InlineData("image/*")]
    [InlineData("application/json;q=0.5, image/png")]
    public async Task A_png_is_the_input_with_the_box_drawn_in_the_label_colour(string accept)
    {
        using var response = await DetectAsync(accept, Input);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        using var drawn = Image.Load<Rgb24>(await response.Content.ReadAsByteArrayAsync());
        using var input = Image.Load<Rgb24>(Input);
        Assert.Equal((Width, Height), (drawn.Width, drawn.Height));

        // Pixels the 2-pixel outline covers completely: the label's colour exactly.
        var (r, g, b) = LabelColors.Of("car");
        var colour = new Rgb24(r, g, b);
        foreach (var (x, y) in new[] { (34, 300), (597, 250), (300, 160), (300, 371), (450, 371) })
            Assert.True(colour == drawn[x, y], $"({x}, {y}) is {drawn[x, y]}, not the label colour {colour}");

        // Away from the outline and from the tag above its top-left corner, nothing changed (the inside included).
        int changedAway = 0;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                if (!NearOutline(x, y) && !InTag(x, y) && drawn[x, y] != input[x, y]) changedAway++;
        Assert.Equal(0, changedAway);
        int changedOnOutline = Enumerable.Range(40, 500).Count(x => drawn[x, 371] != input[x, 371]);
        Assert.Equal(500, changedOnOutline);
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("image/webp")]
    public async Task Jpeg_and_webp_come_back_at_the_input_size(string accept)
    {
        using var response = await DetectAsync(accept, Input);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(accept, response.Content.Headers.ContentType?.MediaType);
        var info = Image.Identify(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((Width, Height), (info.Width, info.Height));
    }

    [Fact]
    public async Task Several_images_with_an_image_accept_are_a_406_problem()
    {
        using var response = await DetectAsync("image/png", Input, TestImages.Png(64, 48));

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotAcceptable);
        Assert.Contains("one image", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_type_that_cannot_be_drawn_is_a_406_problem()
    {
        using var response = await DetectAsync("image/gif", Input);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotAcceptable);
        Assert.Contains("image/png", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/html, */*;q=0.8")]
    [InlineData("image/png;q=0.2, application/json")]
    public async Task Json_stays_the_answer_unless_an_image_is_preferred(string accept)
    {
        using var response = await DetectAsync(accept, Input);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_polygon_is_filled_translucent_over_the_image()
    {
        // Bins 100 and 500 on 640×480; the post-processor answers the triangle (64.32, 48.24), (320.32, 48.24),
        // (320.32, 240.24) for this script (the test draws what the answer holds; the parser's tests own its reading).
        using var drawn = await SegmentationDrawnAsync("<s><poly><loc_100><loc_100><loc_500><loc_100><loc_500><loc_500><loc_100><loc_500></poly>");
        using var input = Image.Load<Rgb24>(Input);
        var (r, g, b) = LabelColors.Of("");
        var colour = new Rgb24(r, g, b);
        foreach (var (x, y) in new[] { (200, 70), (250, 80), (300, 150) })
        {
            Assert.NotEqual(input[x, y], drawn[x, y]);   // tinted…
            Assert.NotEqual(colour, drawn[x, y]);        // …but the image still shows through
        }
        Assert.Equal(colour, drawn[320, 150]);            // the outline, on the right-hand edge
        foreach (var (x, y) in new[] { (500, 400), (600, 50), (30, 450), (100, 200) })
            Assert.Equal(input[x, y], drawn[x, y]);
    }

    /// <summary>
    /// One instance of two overlapping polygons: their union is tinted once — the overlap as much as a point inside one
    /// polygon — as the instance's mask and its <c>area</c> count it.
    /// </summary>
    [Fact]
    public async Task Overlapping_polygons_of_one_instance_are_tinted_once()
    {
        using var drawn = await SegmentationDrawnAsync(Scripts.OverlappingQuads);
        using var input = Image.Load<Rgb24>(Input);
        static int[] Channels(Rgb24 p) => [p.R, p.G, p.B];
        (int X, int Y) overlap = (256, 192), firstOnly = (120, 90), outside = (600, 420);
        int[] once = Tint.Once(Channels(input[overlap.X, overlap.Y]));
        Assert.True(Tint.Distance(once, Tint.Once(once)) > 6, "the overlap's colour tells one fill from two");
        Tint.AssertNear(once, Channels(drawn[overlap.X, overlap.Y]), "the overlap is tinted once");
        Tint.AssertNear(Tint.Once(Channels(input[firstOnly.X, firstOnly.Y])), Channels(drawn[firstOnly.X, firstOnly.Y]), "inside one polygon");
        Assert.Equal(input[outside.X, outside.Y], drawn[outside.X, outside.Y]);
    }

    [Fact]
    public async Task A_text_answer_is_drawn_in_a_banner_along_the_bottom()
    {
        var client = await services.ClientAsync("<s>A green car parked in front of a yellow building.");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/caption")
        {
            Content = TaskRequests.Multipart(Input, new Dictionary<string, string> { ["max_new_tokens"] = "32" }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/png"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var drawn = Image.Load<Rgb24>(await response.Content.ReadAsByteArrayAsync());
        using var input = Image.Load<Rgb24>(Input);
        Assert.All(Enumerable.Range(0, Width), x => Assert.NotEqual(input[x, Height - 1], drawn[x, Height - 1]));
        Assert.All(Enumerable.Range(0, Width), x => Assert.Equal(input[x, 0], drawn[x, 0]));
    }

    /// <summary>The annotated PNG of a referring-expression segmentation whose model writes <paramref name="script"/>.</summary>
    private async Task<Image<Rgb24>> SegmentationDrawnAsync(string script)
    {
        var client = await services.ClientAsync(script);
        var call = TaskCall.For(TaskCatalog.ReferringExpressionSegmentation, Input) with { MaxNewTokens = 32 };
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Url(Route.TaskName)) { Content = call.Body(Route.TaskName, BodyFormat.Multipart) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/png"));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Image.Load<Rgb24>(await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<HttpResponseMessage> DetectAsync(string accept, params byte[][] images)
    {
        var client = await services.ClientAsync(OdScript);
        var call = new TaskCall(TaskCatalog.ObjectDetection, images) { MaxNewTokens = 16 };
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Url(Route.Family)) { Content = call.Body(Route.Family, BodyFormat.Multipart) };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await client.SendAsync(request);
    }

    /// <summary>Within 4 pixels of the box's outline (the stroke is 2 wide, antialiased at its edges).</summary>
    private static bool NearOutline(int x, int y)
    {
        float cx = x + 0.5f, cy = y + 0.5f;
        bool withinOuter = cx > Box.Left - 4 && cx < Box.Right + 4 && cy > Box.Top - 4 && cy < Box.Bottom + 4;
        bool withinInner = cx > Box.Left + 4 && cx < Box.Right - 4 && cy > Box.Top + 4 && cy < Box.Bottom - 4;
        return withinOuter && !withinInner;
    }

    /// <summary>The band above the box's top-left corner where the tag "car" goes.</summary>
    private static bool InTag(int x, int y) => x >= Box.Left - 4 && x < Box.Left + 120 && y >= Box.Top - 40 && y < Box.Top;
}
