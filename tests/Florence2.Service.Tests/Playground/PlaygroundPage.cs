using System.Text.Json;
using Florence2.Service.Tests.SwaggerUi;
using PuppeteerSharp;
using PuppeteerSharp.Input;

namespace Florence2.Service.Tests.Playground;

/// <summary>
/// The playground at <c>/</c> as a user works it: choose an image, pick a task, drag a region, type a key, Run, and
/// read what the page shows — the status line, the canvas's pixels, the JSON and curl panels. Waits are bounded by
/// <see cref="SwaggerUiPage.HangLimit"/>.
/// </summary>
public sealed class PlaygroundPage(IPage page)
{
    private static readonly int Limit = (int)SwaggerUiPage.HangLimit.TotalMilliseconds;

    public IPage Page => page;

    public static async Task<PlaygroundPage> OpenAsync(IBrowser browser, Uri service)
    {
        var page = await browser.NewPageAsync();
        page.DefaultTimeout = Limit;
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 860 });
        await page.GoToAsync(service.ToString());
        return new PlaygroundPage(page);
    }

    /// <summary>Waits until the task list has loaded (the select holds <paramref name="task"/>).</summary>
    public Task WaitForTaskAsync(string task) =>
        page.WaitForSelectorAsync($"#task option[value='{task}']", new WaitForSelectorOptions { Timeout = Limit });

    public async Task ChooseImageAsync(string file, int width)
    {
        var input = await page.WaitForSelectorAsync("#file", new WaitForSelectorOptions { Timeout = Limit });
        await input.UploadFileAsync(file);
        await page.WaitForFunctionAsync($"() => document.getElementById('canvas').width === {width}",
            new WaitForFunctionOptions { Timeout = Limit });
    }

    public Task SelectTaskAsync(string task) => SelectAsync("#task", task);

    /// <summary>Picks <paramref name="value"/> in a select, as a user does (the page sees a change event).</summary>
    public Task SelectAsync(string selector, string value) => page.SelectAsync(selector, value);

    public async Task TypeAsync(string selector, string text)
    {
        await page.EvaluateFunctionAsync("s => { document.querySelector(s).value = ''; }", selector);
        await page.TypeAsync(selector, text);
    }

    /// <summary>Presses Run and waits for the page to say done or error; returns which, with the status line.</summary>
    public async Task<string> RunAsync()
    {
        await page.EvaluateExpressionAsync("document.body.dataset.state = ''");
        await page.ClickAsync("#run");
        try
        {
            await page.WaitForFunctionAsync("() => ['done', 'error'].includes(document.body.dataset.state)",
                new WaitForFunctionOptions { Timeout = Limit });
        }
        catch (WaitTaskTimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Run never ended; the page is at '{await StateAsync()}'.");
        }
        return await StateAsync();
    }

    private Task<string> StateAsync() =>
        page.EvaluateExpressionAsync<string>("document.body.dataset.state + ': ' + document.getElementById('status').textContent");

    /// <summary>Waits for the page's state (ready, running, done, error) to become <paramref name="state"/>.</summary>
    public async Task WaitForStateAsync(string state)
    {
        try
        {
            await page.WaitForFunctionAsync($"() => document.body.dataset.state === '{state}'", new WaitForFunctionOptions { Timeout = Limit });
        }
        catch (WaitTaskTimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"The page never reached '{state}'; it is at '{await StateAsync()}'.");
        }
    }

    /// <summary>Drags a rectangle on the canvas from one image pixel to another (the canvas is shown scaled).</summary>
    public async Task DragAsync((double X, double Y) from, (double X, double Y) to)
    {
        var box = await page.EvaluateExpressionAsync<JsonElement>(
            "(() => { const c = document.getElementById('canvas'); const r = c.getBoundingClientRect(); " +
            "return { left: r.left, top: r.top, sx: r.width / c.width, sy: r.height / c.height }; })()");
        decimal X(double x) => (decimal)(box.GetProperty("left").GetDouble() + (x * box.GetProperty("sx").GetDouble()));
        decimal Y(double y) => (decimal)(box.GetProperty("top").GetDouble() + (y * box.GetProperty("sy").GetDouble()));
        await page.Mouse.MoveAsync(X(from.X), Y(from.Y));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(X((from.X + to.X) / 2), Y((from.Y + to.Y) / 2), new MoveOptions { Steps = 4 });
        await page.Mouse.MoveAsync(X(to.X), Y(to.Y), new MoveOptions { Steps = 4 });
        await page.Mouse.UpAsync();
    }

    /// <summary>The canvas pixel at image coordinates (x, y) as R, G, B, A.</summary>
    public async Task<int[]> PixelAsync(int x, int y) =>
        await page.EvaluateFunctionAsync<int[]>(
            "(x, y) => Array.from(document.getElementById('canvas').getContext('2d').getImageData(x, y, 1, 1).data)", x, y);

    /// <summary>
    /// Presses "Save as PNG" with this page's downloads going to <paramref name="folder"/>, and returns the path of
    /// <paramref name="expectedName"/> there once Chromium has finished writing it (it renames a partial file at the end).
    /// </summary>
    public async Task<string> SaveImageAsync(string folder, string expectedName)
    {
        Directory.CreateDirectory(folder);
        await page.Client.SendAsync("Page.setDownloadBehavior", new Dictionary<string, object> { ["behavior"] = "allow", ["downloadPath"] = folder });
        await page.ClickAsync("#save-image");
        string saved = Path.Combine(folder, expectedName);
        await Florence2.Tests.Eventually.TrueAsync(() => File.Exists(saved), $"{expectedName} saved in {folder} (there: " +
            string.Join(", ", Directory.EnumerateFiles(folder).Select(Path.GetFileName)) + ")", SwaggerUiPage.HangLimit);
        return saved;
    }

    /// <summary>A SHA-256 of the canvas's RGBA pixels: equal digests are equal drawings.</summary>
    public Task<string> CanvasDigestAsync() =>
        page.EvaluateExpressionAsync<string>(
            "(async () => { const c = document.getElementById('canvas'); " +
            "const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; " +
            "const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', pixels)); " +
            "return Array.from(digest, b => b.toString(16).padStart(2, '0')).join(''); })()");

    public Task<string> TextAsync(string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s)?.textContent ?? ''", selector);

    public Task<string> ValueAsync(string selector) =>
        page.EvaluateFunctionAsync<string>("s => document.querySelector(s)?.value ?? ''", selector);

    public Task<bool> IsVisibleAsync(string selector) =>
        page.EvaluateFunctionAsync<bool>("s => { const e = document.querySelector(s); return !!e && !e.closest('[hidden]'); }", selector);
}
