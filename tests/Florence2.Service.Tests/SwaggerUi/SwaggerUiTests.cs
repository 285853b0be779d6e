using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;
using PuppeteerSharp;

namespace Florence2.Service.Tests.SwaggerUi;

/// <summary>
/// Swagger UI in a real browser against the real service on a loopback port: every POST operation answers 200 from
/// nothing but a chosen file and the pre-filled defaults, as multipart and (for one) as its JSON example; with API
/// keys on, Authorize makes the same click work (and without it the answer is 401).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SwaggerUiTests : IAsyncLifetime
{
    private const string ApiKey = "swagger-ui-key";

    /// <summary>A small budget keeps the tiny model quick; the form's max_new_tokens example follows the limit.</summary>
    private static readonly (string, object) SmallBudget = ("Florence2:Limits:MaxNewTokens", 16);

    private const string ImageFile = "image.png";
    private ChromiumSession? _session;

    public async Task InitializeAsync() =>
        _session = await ChromiumSession.StartAsync("swagger-ui", new Dictionary<string, byte[]> { [ImageFile] = TestImages.Png(64, 48) });

    public Task DisposeAsync() => _session?.DisposeAsync().AsTask() ?? Task.CompletedTask;

    private ChromiumSession Session => _session ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private string Image => Path.Combine(Session.Scratch, ImageFile);

    [ChromiumFact]
    public async Task Every_post_operation_answers_200_from_its_defaults_and_a_chosen_file()
    {
        var browser = Browser;
        await using var service = await LoopbackService.StartAsync(Settings.Of(SmallBudget));
        var ui = await SwaggerUiPage.OpenAsync(browser, service.Address);
        var operations = await PostOperationsAsync(service);
        Assert.Equal(6, operations.Count); // the five task operations and /v1/analyze

        foreach (string operation in operations)
        {
            await ui.TryItOutAsync(operation);
            await ui.ChooseImageAsync(operation, Image);
            var (status, body) = await ui.ExecuteAsync(operation);
            Assert.True(status == 200, $"{operation} (multipart): {status} {body}");
            Assert.Contains("\"task\"", body, StringComparison.Ordinal);
        }

        // A fresh page, where the JSON example is what "Try it out" starts from.
        var fresh = await SwaggerUiPage.OpenAsync(browser, service.Address);
        string caption = SwaggerUiPage.OperationId("Caption", "Caption");
        await fresh.TryItOutAsync(caption, "application/json");
        var (jsonStatus, jsonBody) = await fresh.ExecuteAsync(caption);
        Assert.True(jsonStatus == 200, $"{caption} (application/json example): {jsonStatus} {jsonBody}");
        Assert.Contains("<CAPTION>", jsonBody, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task With_api_keys_on_authorize_makes_execute_answer_200_and_without_it_401()
    {
        var browser = Browser;
        await using var service = await LoopbackService.StartAsync(Settings.Of(SmallBudget, ("Florence2:Security:ApiKeys:0", ApiKey)));
        var ui = await SwaggerUiPage.OpenAsync(browser, service.Address);
        string detect = SwaggerUiPage.OperationId("Detect", "Detect");
        await ui.TryItOutAsync(detect);
        await ui.ChooseImageAsync(detect, Image);

        var (without, problem) = await ui.ExecuteAsync(detect);
        Assert.True(without == 401, $"without Authorize: {without} {problem}");

        await ui.AuthorizeAsync(ApiKey);
        var (with, body) = await ui.ExecuteAsync(detect);
        Assert.True(with == 200, $"after Authorize: {with} {body}");
        Assert.Contains("<OD>", body, StringComparison.Ordinal);
    }

    private IBrowser Browser => Session.Browser;

    /// <summary>The element ids of the document's POST operations, as Swagger UI names them.</summary>
    private static async Task<IReadOnlyList<string>> PostOperationsAsync(LoopbackService service)
    {
        using var http = new HttpClient { BaseAddress = service.Address };
        var document = JsonNode.Parse(await http.GetStringAsync(OpenApiResponseValidator.DocumentPath.TrimStart('/')))!;
        return document["paths"]!.AsObject()
            .Select(path => path.Value!["post"])
            .OfType<JsonObject>()
            .Select(post => SwaggerUiPage.OperationId((string)post["tags"]![0]!, (string)post["operationId"]!))
            .ToList();
    }
}
