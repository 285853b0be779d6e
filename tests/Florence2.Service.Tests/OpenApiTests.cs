using System.Net;
using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

/// <summary>The Swagger document describes every endpoint with its bodies, responses and words; Swagger UI is served.</summary>
public sealed class OpenApiTests(TinyService service) : IClassFixture<TinyService>
{
    private static readonly string[] TaskPaths = ["/v1/detect", "/v1/caption", "/v1/ocr", "/v1/segment", "/v1/tasks/{task}"];

    private async Task<JsonObject> DocumentAsync()
    {
        using var response = await service.Client.GetAsync("/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadObjectAsync();
    }

    [Fact]
    public async Task Every_endpoint_is_listed_with_a_summary_and_description()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();

        foreach (string path in TaskPaths.Append("/v1/tasks").Append("/health/live").Append("/health/ready"))
            Assert.True(paths.ContainsKey(path), $"{path} missing; the document lists {string.Join(", ", paths.Select(p => p.Key))}");
        foreach (string path in TaskPaths)
        {
            var post = paths[path]!["post"]!;
            Assert.False(string.IsNullOrWhiteSpace((string?)post["summary"]), $"{path} has no summary");
            Assert.Contains("| task | token |", (string?)post["description"], StringComparison.Ordinal);
        }
        Assert.False(string.IsNullOrWhiteSpace((string?)paths["/v1/tasks"]!["get"]!["summary"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)paths["/health/ready"]!["get"]!["summary"]));
    }

    [Fact]
    public async Task Task_endpoints_take_multipart_with_a_binary_image_and_json()
    {
        var document = await DocumentAsync();
        foreach (string path in TaskPaths)
        {
            var content = document["paths"]![path]!["post"]!["requestBody"]!["content"]!.AsObject();
            var multipart = Resolve(document, content["multipart/form-data"]!["schema"]!);
            var image = multipart["properties"]!["image"]!;
            Assert.Equal("string", (string?)image["type"]);
            Assert.Equal("binary", (string?)image["format"]);
            // Exactly the names the server reads (Swagger UI sends what the document says).
            string[] fields = ["image", "max_new_tokens", "num_beams", "region", "task", "text"];
            Assert.Equal(fields, multipart["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Contains("image", multipart["required"]!.AsArray().Select(r => (string?)r));

            var json = Resolve(document, content["application/json"]!["schema"]!);
            Assert.Equal(fields.Append("images").Order(StringComparer.Ordinal),
                json["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.NotNull(content["application/json"]!["example"]?["image"]);
        }
    }

    [Fact]
    public async Task Task_endpoints_document_the_answer_and_every_problem()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();
        foreach (string schema in new[] { "TaskResponse", "MultiTaskResponse", "ProblemDetails" })
            Assert.True(schemas.ContainsKey(schema), $"No {schema} schema; have {string.Join(", ", schemas.Select(s => s.Key))}");

        foreach (string path in TaskPaths)
        {
            var responses = document["paths"]![path]!["post"]!["responses"]!.AsObject();
            string ok = responses["200"]!["content"]!.ToJsonString();
            Assert.Contains("TaskResponse", ok, StringComparison.Ordinal);
            Assert.Contains("MultiTaskResponse", ok, StringComparison.Ordinal);
            foreach (string status in new[] { "400", "401", "413", "415", "422", "429", "503", "504" })
            {
                Assert.True(responses.ContainsKey(status), $"{path} does not document {status}");
                Assert.Contains("ProblemDetails", responses[status]!.ToJsonString(), StringComparison.Ordinal);
            }
        }
        Assert.True(document["paths"]!["/v1/tasks/{task}"]!["post"]!["responses"]!.AsObject().ContainsKey("404"));
    }

    [Fact]
    public async Task Swagger_ui_is_served()
    {
        using var response = await service.Client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema)
    {
        if ((string?)schema["$ref"] is { } reference)
            return document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        if (schema["allOf"] is JsonArray all && all.Count == 1) return Resolve(document, all[0]!);
        return schema;
    }
}
