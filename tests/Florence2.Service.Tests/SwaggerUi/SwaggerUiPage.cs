using PuppeteerSharp;

namespace Florence2.Service.Tests.SwaggerUi;

/// <summary>
/// Swagger UI at <c>/swagger</c> as a user works it: expand an operation, "Try it out", choose a file, pick the
/// request content type, Execute, read the answer; Authorize with an API key. Every wait is bounded by
/// <see cref="HangLimit"/>, a hang detector rather than a speed requirement.
/// </summary>
public sealed class SwaggerUiPage(IPage page)
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    private static readonly WaitForSelectorOptions Visible = new() { Visible = true, Timeout = (int)HangLimit.TotalMilliseconds };

    public static async Task<SwaggerUiPage> OpenAsync(IBrowser browser, Uri service)
    {
        var page = await browser.NewPageAsync();
        page.DefaultTimeout = (int)HangLimit.TotalMilliseconds;
        await page.GoToAsync(new Uri(service, "swagger/index.html").ToString());
        await page.WaitForSelectorAsync(".opblock", Visible);
        return new SwaggerUiPage(page);
    }

    /// <summary>The element id Swagger UI gives an operation: <c>operations-{tag}-{operationId}</c>.</summary>
    public static string OperationId(string tag, string operationId) => $"operations-{tag}-{operationId}";

    /// <summary>
    /// Expands the operation, picks the request content type when one is given (before "Try it out": Swagger UI carries
    /// a filled-in form over into the JSON request when the type is switched afterwards) and presses "Try it out".
    /// </summary>
    public async Task TryItOutAsync(string operation, string? mediaType = null)
    {
        await ClickAsync($"#{operation} .opblock-summary-control");
        if (mediaType is not null)
        {
            // The expanded operation renders its body a moment after the click: select only once it is there.
            string contentType = $"#{operation} .body-param-content-type select";
            await page.WaitForSelectorAsync(contentType, Visible);
            await page.SelectAsync(contentType, mediaType);
        }
        await ClickAsync($"#{operation} button.try-out__btn");
        await page.WaitForSelectorAsync($"#{operation} button.execute", Visible);
    }

    /// <summary>Chooses <paramref name="file"/> for the operation's <c>image</c> form field.</summary>
    public async Task ChooseImageAsync(string operation, string file)
    {
        var input = await page.WaitForSelectorAsync($"#{operation} tr[data-property-name='image'] input[type='file']",
            new WaitForSelectorOptions { Timeout = (int)HangLimit.TotalMilliseconds });
        await input.UploadFileAsync(file);
    }

    /// <summary>Presses Execute (after clearing an earlier answer) and returns the answer's status code and body.</summary>
    public async Task<(int Status, string Body)> ExecuteAsync(string operation)
    {
        if (await page.QuerySelectorAsync($"#{operation} button.btn-clear") is { } clear) await clear.ClickAsync();
        await ClickAsync($"#{operation} button.execute");
        string status = $"#{operation} .live-responses-table .response .response-col_status";
        await page.WaitForSelectorAsync(status, Visible);
        string code = await TextAsync(status);
        string body = await TextAsync($"#{operation} .live-responses-table .response .response-col_description pre");
        return (int.Parse(code.Trim(), System.Globalization.CultureInfo.InvariantCulture), body);
    }

    /// <summary>Authorize: enters <paramref name="key"/> for the API-key scheme in the dialog, submits, closes it.</summary>
    public async Task AuthorizeAsync(string key)
    {
        await ClickAsync(".auth-wrapper button.authorize");
        await page.WaitForSelectorAsync(".modal-ux .auth-container input", Visible);
        await page.TypeAsync(".modal-ux .auth-container input", key);
        await ClickAsync(".modal-ux .auth-btn-wrapper button.authorize");
        await ClickAsync(".modal-ux button.btn-done");
        await page.WaitForSelectorAsync(".modal-ux", new WaitForSelectorOptions { Hidden = true, Timeout = (int)HangLimit.TotalMilliseconds });
    }

    private async Task ClickAsync(string selector)
    {
        var element = await page.WaitForSelectorAsync(selector, Visible);
        await element.ClickAsync();
    }

    private Task<string> TextAsync(string selector) =>
        page.EvaluateFunctionAsync<string>("selector => document.querySelector(selector)?.innerText ?? ''", selector);
}
