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
            // Exactly the names the server reads (Swagger UI sends what the document says), in the order a form is
            // filled in: the image and the task's inputs, then the settings.
            string[] inputs = ["task", "text", "region"], settings = ["num_beams", "max_new_tokens", "mask_format", "min_score", "logprobs"];
            Assert.Equal(["image", .. inputs, .. settings], multipart["properties"]!.AsObject().Select(p => p.Key));
            Assert.Contains("image", multipart["required"]!.AsArray().Select(r => (string?)r));

            var json = Resolve(document, content["application/json"]!["schema"]!);
            Assert.Equal(["image", "images", .. inputs, .. settings], json["properties"]!.AsObject().Select(p => p.Key));
            Assert.NotNull(content["application/json"]!["example"]?["image"]);
        }
    }

    [Fact]
    public async Task Scores_and_their_request_fields_are_documented()
    {
        var document = await DocumentAsync();
        var schemas = document["components"]!["schemas"]!;
        var multipart = Resolve(document, document["paths"]!["/v1/detect"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!);
        var minScore = multipart["properties"]!["min_score"]!;
        Assert.Equal("0", minScore["minimum"]?.ToString());
        Assert.Equal("1", minScore["maximum"]?.ToString());
        Assert.Contains("boolean", multipart["properties"]!["logprobs"]!["type"]!.ToJsonString(), StringComparison.Ordinal);
        foreach (var (schema, fields) in new[]
        {
            ("TaskResponse", new[] { "sequence_score", "tokens" }),
            ("Detection", ["score", "label_score"]),
            ("TextLine", ["score", "label_score"]),
            ("Segment", ["score", "label_score"]),
            ("GeneratedToken", ["id", "text", "logprob"]),
        })
        {
            var properties = schemas[schema]!["properties"]!.AsObject();
            foreach (string field in fields)
                Assert.False(string.IsNullOrWhiteSpace((string?)properties[field]?["description"]), $"{schema}.{field} undocumented: {properties.ToJsonString()}");
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

    /// <summary>
    /// What Swagger UI sends when a user only chooses a file and presses Execute: every example of the operation
    /// (path parameter, form fields but the empty ones, which the page leaves out; the JSON example) must be a request
    /// that operation accepts. The service has a small token budget, which the max_new_tokens example follows.
    /// </summary>
    [Fact]
    public async Task Each_post_operations_examples_are_a_request_it_answers_200()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(("Florence2:Limits:MaxNewTokens", 16)));
        using var client = await factory.CreateReadyClientAsync();
        using var documentResponse = await client.GetAsync("/swagger/v1/swagger.json");
        var document = await documentResponse.ReadObjectAsync();

        var posts = document["paths"]!.AsObject().Where(p => p.Value!["post"] is not null).ToList();
        Assert.Equal(TaskPaths.Append("/v1/analyze").Order(StringComparer.Ordinal), posts.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (template, item) in posts)
        {
            var post = item!["post"]!;
            string path = template;
            foreach (var parameter in post["parameters"]?.AsArray() ?? [])
                if ((string?)parameter!["in"] == "path")
                    path = path.Replace("{" + (string)parameter["name"]! + "}", (string?)parameter["example"] ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("{", path, StringComparison.Ordinal);
            var content = post["requestBody"]!["content"]!;

            var form = new MultipartFormDataContent();
            foreach (var (name, property) in Resolve(document, content["multipart/form-data"]!["schema"]!)["properties"]!.AsObject())
            {
                if ((string?)property!["format"] == "binary")
                {
                    var image = new ByteArrayContent(TestImages.Png(64, 48));
                    image.Headers.ContentType = new("image/png");
                    form.Add(image, name, "image.png");
                }
                else if (property["example"] is JsonValue example && example.ToString() is { Length: > 0 } value)
                {
                    form.Add(new StringContent(value), name);
                }
                else if (property["example"] is JsonArray items)
                {
                    // Swagger UI sends an array field as one part per item.
                    foreach (var entry in items) form.Add(new StringContent(entry!.ToString()), name);
                }
            }
            using (form)
            using (var multipart = await client.PostAsync(path, form))
                Assert.True(multipart.StatusCode == HttpStatusCode.OK, $"{path} multipart examples: {(int)multipart.StatusCode} {await multipart.Content.ReadAsStringAsync()}");

            using var json = new StringContent(content["application/json"]!["example"]!.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            using var answer = await client.PostAsync(path, json);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{path} JSON example: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Family_operations_default_to_their_own_task_and_show_text_only_where_it_takes_one()
    {
        var document = await DocumentAsync();
        foreach (var (path, task, text) in new[]
        {
            ("/v1/detect", "od", null), ("/v1/caption", "caption", null), ("/v1/ocr", "ocr", null),
            ("/v1/segment", "referring_expression_segmentation", "a green car"),
        })
        {
            var content = document["paths"]![path]!["post"]!["requestBody"]!["content"]!;
            var fields = Resolve(document, content["multipart/form-data"]!["schema"]!)["properties"]!;
            Assert.Equal(task, (string?)fields["task"]!["example"]);
            Assert.Equal(task, (string?)fields["task"]!["default"]);
            Assert.Equal(text ?? "", (string?)fields["text"]!["example"]);
            Assert.Equal("", (string?)fields["region"]!["example"]);
            var json = content["application/json"]!["example"]!;
            Assert.Equal(task, (string?)json["task"]);
            Assert.Equal(text, (string?)json["text"]);
        }
        var byPath = document["paths"]!["/v1/tasks/{task}"]!["post"]!;
        Assert.Equal("caption", (string?)byPath["parameters"]!.AsArray().Single(p => (string?)p!["in"] == "path")!["example"]);
        Assert.Null(byPath["requestBody"]!["content"]!["application/json"]!["example"]!["task"]);
    }

    [Fact]
    public async Task The_200_answer_is_one_image_or_several()
    {
        var document = await DocumentAsync();
        foreach (string path in TaskPaths)
        {
            var ok = document["paths"]![path]!["post"]!["responses"]!["200"]!;
            var shapes = ok["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray().Select(s => (string?)s!["$ref"]);
            Assert.Equal(["#/components/schemas/TaskResponse", "#/components/schemas/MultiTaskResponse"], shapes);
            Assert.Contains("Several images", (string?)ok["description"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_v1_operations_take_the_api_key_scheme_and_health_and_metrics_do_not()
    {
        var document = await DocumentAsync();
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", (string?)scheme["type"]);
        Assert.Equal("header", (string?)scheme["in"]);
        Assert.Equal("X-Api-Key", (string?)scheme["name"]);

        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                bool secured = operation!["security"]?.ToJsonString().Contains("\"ApiKey\"", StringComparison.Ordinal) == true;
                Assert.True(secured == path.StartsWith("/v1/", StringComparison.Ordinal), $"{method} {path}: security {operation["security"]}");
                if (secured) Assert.True(operation["responses"]!.AsObject().ContainsKey("401"), $"{method} {path} does not document 401");
            }
        Assert.NotNull(document["paths"]!["/metrics"]?["get"]);
    }

    [Fact]
    public async Task Task_operations_document_the_timeout_header()
    {
        var document = await DocumentAsync();
        foreach (string path in TaskPaths)
        {
            var header = document["paths"]![path]!["post"]!["parameters"]!.AsArray()
                .Single(p => (string?)p!["in"] == "header" && (string?)p["name"] == "X-Request-Timeout-Ms")!;
            Assert.NotEqual(true, (bool?)header["required"]);
            Assert.Equal("integer", (string?)header["schema"]!["type"]);
            Assert.Equal(1, (int?)header["schema"]!["minimum"]);
        }
    }

    [Fact]
    public async Task The_problem_schema_is_what_the_service_writes()
    {
        var document = await DocumentAsync();
        var problem = document["components"]!["schemas"]!["ProblemDetails"]!;
        Assert.Equal(["detail", "field", "instance", "status", "title", "traceId", "type"],
            problem["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(false, (bool?)problem["additionalProperties"]);
        foreach (string path in TaskPaths)
            Assert.NotNull(document["paths"]![path]!["post"]!["responses"]!["400"]!["content"]!["application/problem+json"]);
    }

    [Fact]
    public async Task Hf_is_a_free_form_object_with_an_example()
    {
        var hf = (await DocumentAsync())["components"]!["schemas"]!["TaskResponse"]!["properties"]!["hf"]!;
        Assert.Equal("object", (string?)hf["type"]);
        Assert.Equal(true, (bool?)hf["additionalProperties"]);
        Assert.Null(hf["properties"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)hf["description"]));
        Assert.IsType<JsonObject>(hf["example"]);
    }

    [Fact]
    public async Task The_document_shows_no_dotnet_types_or_made_up_members()
    {
        using var response = await service.Client.GetAsync("/swagger/v1/swagger.json");
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("JsonNode", text, StringComparison.Ordinal);
        // "additionalProperties" is a keyword; "additionalProp1" is what Swagger UI makes up for an open object.
        Assert.DoesNotMatch(@"additionalProp\d", text);
        foreach (var (name, schema) in JsonNode.Parse(text)!["components"]!["schemas"]!.AsObject())
            foreach (var (property, value) in schema!["properties"]?.AsObject() ?? [])
                if (value?["additionalProperties"] is { } open && open.ToJsonString() != "false")
                    Assert.True(value["example"] is not null, $"{name}.{property} is an open object without an example: Swagger UI would show additionalProp1");
        Assert.DoesNotContain("\"additionalProperties\": {}", text, StringComparison.Ordinal);
    }

    /// <summary>The check every test client runs (<see cref="OpenApiContract"/>) refuses what the document doesn't say.</summary>
    [Fact]
    public async Task The_contract_check_refuses_undocumented_answers()
    {
        var contract = new OpenApiContract(await DocumentAsync());
        const string Json = "application/json";

        Assert.Null(contract.Violation("GET", "/health/ready", 503, Json, """{"status":"loading","detail":null}"""));
        Assert.NotNull(contract.Violation("GET", "/health/ready", 200, Json, """{"status":1}"""));
        Assert.NotNull(contract.Violation("GET", "/health/live", 418, Json, """{"status":"live"}"""));
        Assert.NotNull(contract.Violation("GET", "/health/live", 200, "text/plain", "live"));
        Assert.NotNull(contract.Violation("POST", "/v1/caption", 200, Json, """{"results":[],"extra":1}"""));
        Assert.Null(contract.Violation("POST", "/v1/caption", 200, Json, """{"results":[]}"""));
        Assert.NotNull(contract.Violation("POST", "/v1/caption", 400, "application/problem+json", """{"title":"Invalid request"}"""));
        Assert.NotNull(contract.Violation("GET", "/v1/elsewhere", 200, Json, "{}"));
        Assert.Null(contract.Violation("GET", "/v1/elsewhere", 404, "application/problem+json",
            """{"type":"t","title":"Not Found","status":404,"detail":"d","traceId":"x"}"""));
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema)
    {
        if ((string?)schema["$ref"] is { } reference)
            return document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        if (schema["allOf"] is JsonArray all && all.Count == 1) return Resolve(document, all[0]!);
        return schema;
    }
}
