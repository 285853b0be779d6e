using Florence2.Drawing;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Service.Tests.SwaggerUi;
using PuppeteerSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Florence2.Service.Tests.Playground;

/// <summary>
/// The playground in Debian's Chromium against the real service on a loopback port, with a scripted model whose
/// answer is known: a detection is drawn on the canvas in the label's colour (and nothing else changes), a region
/// dragged on the image is what the page sends, and with API keys on the key field works and a wrong key shows the
/// 401 problem. The first test also takes the README's screenshot.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PlaygroundBrowserTests : IAsyncLifetime
{
    private const string ApiKey = "playground-key";

    /// <summary>
    /// A car and its two wheels on 640×480: "car" (34.24, 160.08)-(597.44, 371.76), "wheel" at bins 184–284 and
    /// 700–800 across, 652–785 down.
    /// </summary>
    private const string OdScript =
        "<s>car<loc_53><loc_333><loc_933><loc_774>wheel<loc_184><loc_652><loc_284><loc_785>wheel<loc_700><loc_652><loc_800><loc_785>";

    /// <summary>Environment variable that makes the first test write its screenshot over the README's picture.</summary>
    public const string UpdateScreenshotVariable = "FLORENCE2_UPDATE_SCREENSHOT";

    public const string ScreenshotPath = "docs/images/playground.png";

    private static readonly (string, object) SmallBudget = ("Florence2:Limits:MaxNewTokens", 64);

    private const string ImageFile = "street.png";
    private ChromiumSession? _session;

    public async Task InitializeAsync() =>
        _session = await ChromiumSession.StartAsync("playground", new Dictionary<string, byte[]> { [ImageFile] = PlaygroundScene.Png() });

    public Task DisposeAsync() => _session?.DisposeAsync().AsTask() ?? Task.CompletedTask;

    private ChromiumSession Session => _session ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private string Image => Path.Combine(Session.Scratch, ImageFile);

    private IBrowser Browser => Session.Browser;

    [ChromiumFact]
    public async Task Od_draws_the_box_in_the_label_colour_and_leaves_the_rest_of_the_image_alone()
    {
        await using var service = await LoopbackService.StartAsync(Settings.Of(SmallBudget), OdScript);
        var page = await PlaygroundPage.OpenAsync(Browser, service.Address);
        await page.WaitForTaskAsync("od");
        await page.ChooseImageAsync(Image, 640);
        await page.SelectTaskAsync("od");
        await page.TypeAsync("#max-tokens", "64");

        Assert.StartsWith("done:", await page.RunAsync(), StringComparison.Ordinal);

        var (r, g, b) = LabelColors.Of("car");
        foreach (var (x, y) in new[] { (34, 300), (597, 250), (300, 160), (300, 371) })
            Assert.Equal([r, g, b, 255], await page.PixelAsync(x, y));
        using var input = SixLabors.ImageSharp.Image.Load<Rgb24>(Image);
        // Far from every box and tag, and inside the car's box away from its edges (boxes are not filled).
        foreach (var (x, y) in new[] { (620, 20), (10, 470), (300, 220), (400, 300), (630, 470) })
        {
            var pixel = await page.PixelAsync(x, y);
            var expected = input[x, y];
            Assert.True(Math.Abs(pixel[0] - expected.R) <= 2 && Math.Abs(pixel[1] - expected.G) <= 2 && Math.Abs(pixel[2] - expected.B) <= 2,
                $"({x}, {y}) is {string.Join(",", pixel)} on the canvas, {expected} in the image");
        }
        Assert.Contains("car × 1", await page.TextAsync("#legend"), StringComparison.Ordinal);
        Assert.Contains("wheel × 2", await page.TextAsync("#legend"), StringComparison.Ordinal);
        Assert.Contains("batch size", await page.TextAsync("#timings"), StringComparison.Ordinal);
        Assert.Contains("\"<OD>\"", await page.TextAsync("#json"), StringComparison.Ordinal);
        string curl = await page.TextAsync("#curl");
        Assert.Contains($"{service.Address}v1/tasks/od", curl, StringComparison.Ordinal);
        Assert.Contains("-F 'image=@street.png'", curl, StringComparison.Ordinal);

        // Save as PNG: the picture at the image's own size, with the box drawn as on the canvas.
        using (var saved = SixLabors.ImageSharp.Image.Load<Rgba32>(await page.SaveImageAsync(Path.Combine(Session.Scratch, "saved"), "street-od.png")))
        {
            Assert.Equal((640, 480), (saved.Width, saved.Height));
            foreach (var (x, y) in new[] { (34, 300), (597, 250), (300, 160), (300, 371) })
                Assert.Equal(new Rgba32(r, g, b, 255), saved[x, y]);
            var away = input[620, 20];
            Assert.True(Math.Abs(saved[620, 20].R - away.R) <= 2 && Math.Abs(saved[620, 20].B - away.B) <= 2, $"(620, 20) is {saved[620, 20]} saved, {away} in the image");
        }

        await TakeScreenshotAsync(page);
    }

    [ChromiumFact]
    public async Task A_region_dragged_on_the_image_is_sent_in_image_pixels()
    {
        var recorder = new RequestRecorder();
        await using var service = await LoopbackService.StartAsync(Settings.Of(SmallBudget), OdScript, recorder.Register);
        var page = await PlaygroundPage.OpenAsync(Browser, service.Address);
        await page.WaitForTaskAsync("region_to_category");
        await page.ChooseImageAsync(Image, 640);
        await page.SelectTaskAsync("region_to_category");

        await page.DragAsync((100, 120), (300, 260));
        var region = (await page.ValueAsync("#region")).Split(',').Select(double.Parse).ToArray();
        double[] expected = [100, 120, 300, 260];
        Assert.Equal(4, region.Length);
        for (int i = 0; i < 4; i++) Assert.InRange(region[i], expected[i] - 1, expected[i] + 1);
        Assert.StartsWith("done:", await page.RunAsync(), StringComparison.Ordinal);

        string sent = Assert.Single(recorder.Bodies);
        Assert.Contains("name=\"region\"\r\n\r\n" + string.Join(",", region) + "\r\n", sent, StringComparison.Ordinal);
        Assert.Contains("/v1/tasks/region_to_category", await page.TextAsync("#curl"), StringComparison.Ordinal);
        Assert.Contains("\"<REGION_TO_CATEGORY>\"", await page.TextAsync("#json"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Asked for RLE or PNG masks, the page fills the mask the service rasterised and both formats draw the same pixels;
    /// with polygons only it fills their union. Either way the overlap of an instance's polygons is tinted once, as
    /// its mask counts it. The control shows only for tasks with masks.
    /// </summary>
    [ChromiumFact]
    public async Task Overlapping_polygons_are_tinted_once_in_every_mask_format()
    {
        var recorder = new RequestRecorder();
        await using var service = await LoopbackService.StartAsync(Settings.Of(SmallBudget), Scripts.OverlappingQuads, recorder.Register);
        var page = await PlaygroundPage.OpenAsync(Browser, service.Address);
        await page.WaitForTaskAsync("referring_expression_segmentation");
        await page.ChooseImageAsync(Image, 640);
        await page.SelectTaskAsync("od");
        Assert.False(await page.IsVisibleAsync("#mask-format"), "od answers no polygons, so it offers no masks");
        await page.SelectTaskAsync("referring_expression_segmentation");
        Assert.True(await page.IsVisibleAsync("#mask-format"), "segmentation offers masks");
        await page.TypeAsync("#text", "the windows");

        var digests = new Dictionary<string, string>();
        var pixels = new Dictionary<string, int[][]>();
        (int X, int Y) overlap = (256, 192), firstOnly = (120, 90), outside = (600, 420);   // far from every edge
        foreach (string format in new[] { "polygon", "rle", "png" })
        {
            await page.SelectAsync("#mask-format", format);
            Assert.StartsWith("done:", await page.RunAsync(), StringComparison.Ordinal);
            digests[format] = await page.CanvasDigestAsync();
            pixels[format] = [await page.PixelAsync(overlap.X, overlap.Y), await page.PixelAsync(firstOnly.X, firstOnly.Y),
                await page.PixelAsync(outside.X, outside.Y)];
        }

        string[] sent = [.. recorder.Bodies];
        Assert.Equal(3, sent.Length);
        Assert.DoesNotContain("name=\"mask_format\"", sent[0], StringComparison.Ordinal);
        Assert.Contains("name=\"mask_format\"\r\n\r\nrle\r\n", sent[1], StringComparison.Ordinal);
        Assert.Contains("name=\"mask_format\"\r\n\r\npng\r\n", sent[2], StringComparison.Ordinal);
        Assert.Contains("--form-string 'mask_format=png'", await page.TextAsync("#curl"), StringComparison.Ordinal);
        Assert.Contains("\"mask_png\"", await page.TextAsync("#json"), StringComparison.Ordinal);
        Assert.Equal(digests["rle"], digests["png"]);
        Assert.NotEqual(digests["polygon"], digests["png"]);

        using var input = SixLabors.ImageSharp.Image.Load<Rgb24>(Image);
        int[] Original((int X, int Y) at) => [input[at.X, at.Y].R, input[at.X, at.Y].G, input[at.X, at.Y].B];
        int[] once = Tint.Once(Original(overlap)), twice = Tint.Once(once);
        Assert.True(Tint.Distance(once, twice) > 6, "the overlap's colour tells one fill from two");
        foreach (string format in new[] { "polygon", "rle", "png" })
        {
            Tint.AssertNear(once, pixels[format][0], $"{format}: the overlap is filled once");
            Tint.AssertNear(Tint.Once(Original(firstOnly)), pixels[format][1], $"{format}: inside one polygon");
            Tint.AssertNear(Original(outside), pixels[format][2], $"{format}: outside both polygons");
        }
    }

    [ChromiumFact]
    public async Task With_keys_on_a_wrong_key_shows_the_401_problem_and_the_right_one_runs()
    {
        await using var service = await LoopbackService.StartAsync(Settings.Of(SmallBudget, ("Florence2:Security:ApiKeys:0", ApiKey)), OdScript);
        var page = await PlaygroundPage.OpenAsync(Browser, service.Address);
        await page.WaitForStateAsync("error");
        Assert.True(await page.IsVisibleAsync("#api-key"), "the key field appears when the service asks for a key");
        Assert.Contains("401", await page.TextAsync("#status"), StringComparison.Ordinal);
        await page.ChooseImageAsync(Image, 640);

        await page.TypeAsync("#api-key", "wrong-key");
        Assert.StartsWith("error:", await page.RunAsync(), StringComparison.Ordinal);
        string refusal = await page.TextAsync("#status");
        Assert.Contains("401", refusal, StringComparison.Ordinal);
        Assert.Contains("not valid", refusal, StringComparison.Ordinal);

        await page.TypeAsync("#api-key", ApiKey);
        Assert.StartsWith("done:", await page.RunAsync(), StringComparison.Ordinal);
        Assert.Contains("\"<OD>\"", await page.TextAsync("#json"), StringComparison.Ordinal);
        Assert.Equal(ApiKey, await page.Page.EvaluateExpressionAsync<string>("sessionStorage.getItem('florence2.apiKey')"));
        Assert.Equal(0, await page.Page.EvaluateExpressionAsync<int>("localStorage.length"));
        Assert.DoesNotContain(ApiKey, await page.TextAsync("#curl"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The README's picture, taken here so it shows the page as it is. It is written over the committed one only when
    /// <see cref="UpdateScreenshotVariable"/> is 1 (timings differ from run to run; a test run should not dirty the tree).
    /// </summary>
    private async Task TakeScreenshotAsync(PlaygroundPage page)
    {
        string path = Environment.GetEnvironmentVariable(UpdateScreenshotVariable) == "1"
            ? Path.Combine(Florence2.Tests.RepositoryRoot.Path, ScreenshotPath)
            : Path.Combine(Session.Scratch, "playground.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.Page.ScreenshotAsync(path);
        var info = SixLabors.ImageSharp.Image.Identify(path);
        Assert.Equal((1280, 860), (info.Width, info.Height));
    }
}

/// <summary>A street scene drawn in code for the playground's picture: sky, road, a red car with two wheels.</summary>
internal static class PlaygroundScene
{
    public static byte[] Png()
    {
        using var image = new Image<Rgb24>(640, 480);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++) row[x] = Colour(x, y);
            }
        });
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static Rgb24 Colour(int x, int y)
    {
        static bool InCircle(int x, int y, int cx, int cy, int r) => ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= r * r;
        if (InCircle(x, y, 150, 345, 26) || InCircle(x, y, 480, 345, 26)) return InCircle(x, y, 150, 345, 10) || InCircle(x, y, 480, 345, 10) ? new(170, 170, 175) : new(25, 25, 28);
        if (x is >= 200 and < 290 && y is >= 180 and < 228) return new(170, 215, 240);     // windows
        if (x is >= 310 and < 420 && y is >= 180 and < 228) return new(170, 215, 240);
        if (x is >= 180 and < 440 && y is >= 165 and < 240) return new(190, 40, 45);       // cabin
        if (x is >= 40 and < 595 && y is >= 235 and < 345) return new(205, 50, 55);        // body
        if (y >= 300) return new((byte)(95 + (y % 7)), (byte)(98 + (y % 5)), 104);         // road
        if (y >= 260) return new(120, 150, 90);                                            // verge
        return new((byte)(120 + (y / 8)), (byte)(170 + (y / 10)), 235);                   // sky
    }
}
