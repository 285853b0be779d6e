using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Florence2.Service.Reading;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

/// <summary>
/// Input errors in the API's own words: JSON of the wrong type, invalid JSON, invalid UTF-8, deep nesting, unknown
/// and repeated fields, for JSON and multipart alike. Each answer is a 400 naming the field at fault (none for a body
/// that is not JSON at all) with a detail a client can act on, and nothing of .NET in it.
/// </summary>
public sealed class JsonInputErrorTests(TinyService service) : IClassFixture<TinyService>
{
    private const string Known = "the fields are image, images, task, tasks, text, region, num_beams, max_new_tokens, mask_format, min_score, logprobs";
    private const string RegionForms = "'region' must be \"x1,y1,x2,y2\", an array of four numbers, or four <loc_N> tokens; got";

    private static readonly byte[] Image = TestImages.Png(32, 24);

    /// <summary>Words that only an unhandled .NET message would contain.</summary>
    private static readonly string[] Internals = ["System.", "Nullable", "Int32", "JsonElement", "Exception", "   at ", "LineNumber:", "isFinalBlock"];

    public static TheoryData<string, string, string, string> WrongTypes() => new()
    {
        { "quoted integer", """{"num_beams":"2"}""", "num_beams", "'num_beams' must be an integer; got a string (\"2\"); write 2 without quotes." },
        { "word for an integer", """{"num_beams":"two"}""", "num_beams", "'num_beams' must be an integer; got a string (\"two\")." },
        { "fraction", """{"num_beams":2.5}""", "num_beams", "'num_beams' must be an integer; got 2.5." },
        { "exponent", """{"max_new_tokens":1e40}""", "max_new_tokens", "'max_new_tokens' must be an integer; got 1e40." },
        { "beyond int", """{"max_new_tokens":10000000000}""", "max_new_tokens", "'max_new_tokens' is out of range; got 10000000000." },
        { "boolean", """{"num_beams":true}""", "num_beams", "'num_beams' must be an integer; got true." },
        { "array for an integer", """{"num_beams":[2]}""", "num_beams", "'num_beams' must be an integer; got an array." },
        { "object for an integer", """{"max_new_tokens":{"value":2}}""", "max_new_tokens", "'max_new_tokens' must be an integer; got an object." },
        { "number for image", """{"image":42}""", "image", "'image' must be a string (base64); got 42." },
        { "array for image", """{"image":["aGk="]}""", "image", "'image' must be a string (base64); got an array; send several images as 'images'." },
        { "string for images", """{"images":"aGk="}""", "images", "'images' must be an array of strings (base64); got a string (\"aGk=\"); send one image as 'image'." },
        { "null among images", """{"images":["aGk=","aGk=","aGk=",null]}""", "images[3]", "'images[3]' must be a string (base64); got null." },
        { "object among images", """{"images":[{"data":"aGk="}]}""", "images[0]", "'images[0]' must be a string (base64); got an object." },
        { "number for task", """{"task":7}""", "task", "'task' must be a string; got 7." },
        { "boolean for text", """{"text":false}""", "text", "'text' must be a string; got false." },
        { "object for region", """{"region":{"x":1}}""", "region", $"{RegionForms} an object." },
        { "three numbers for region", """{"region":[1,2,3]}""", "region", $"{RegionForms} an array of 3 values." },
        { "string inside region", """{"region":[1,2,"3",4]}""", "region", $"{RegionForms} an array whose item 2 is a string (\"3\")." },
        { "overflowing region", """{"region":[0,0,1e400,10]}""", "region", $"{RegionForms} an array whose item 2 (1e400) is beyond the range of a number." },
        { "unpaired surrogate", """{"text":"a\uD800b"}""", "text", "'text' has an unpaired surrogate escape (\\uD800 to \\uDFFF without its pair)." },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public Task Json_values_of_the_wrong_type_name_the_field_and_the_type_expected(string because, string json, string field, string detail) =>
        AssertJsonRefusedAsync(because, Encoding.UTF8.GetBytes(json), field, detail);

    public static TheoryData<string, string, string> InvalidJson() => new()
    {
        { "not json", "not json at all", "The body is not valid JSON: unexpected 'not' (line 1, byte 1)." },
        { "truncated", """{"image": "abc" """.TrimEnd(), "The body is not valid JSON: it ends before the JSON value is complete (line 1, byte 16)." },
        { "bad value on line 3", "{\n  \"task\": \"od\",\n  \"num_beams\": x\n}", "The body is not valid JSON: unexpected 'x' (line 3, byte 16)." },
        { "trailing comma", """{"task":"od",}""", "The body is not valid JSON: a trailing comma before '}' (line 1, byte 14)." },
        { "single quotes", """{"task":'od'}""", "The body is not valid JSON: a single quote; JSON strings and names take double quotes (line 1, byte 9)." },
        { "comment", """{"task":"od" /* detect */}""", "The body is not valid JSON: a comment, which JSON does not allow (line 1, byte 14)." },
        { "two values", """{"task":"od"} {}""", "The body is not valid JSON: more follows the end of the JSON value (line 1, byte 15)." },
        { "raw line break in a string", "{\"text\":\"a\nb\"}", "The body is not valid JSON: control character 0x0A; inside a string write it as \\u000A (line 1, byte 11)." },
        { "NaN", """{"num_beams":NaN}""", "The body is not valid JSON: unexpected 'NaN' (line 1, byte 14)." },
        { "empty", "", "The JSON body is empty; send an object such as {\"image\": \"<base64>\", \"task\": \"od\"}." },
        { "nested too deep in a field", "{\"region\":" + new string('[', 500) + new string(']', 500) + "}", "The JSON body nests deeper than 8 levels (line 1, byte 18)." },
        { "nested too deep at the root", new string('[', 1000) + new string(']', 1000), "The JSON body nests deeper than 8 levels (line 1, byte 9)." },
        { "array", """[{"image":"aGk="}]""", "The JSON body must be an object such as {\"image\": \"<base64>\", \"task\": \"od\"}; got an array." },
        { "string", "\"aGk=\"", "The JSON body must be an object such as {\"image\": \"<base64>\", \"task\": \"od\"}; got a string (\"aGk=\")." },
        { "null", "null", "The JSON body must be an object such as {\"image\": \"<base64>\", \"task\": \"od\"}; got null." },
    };

    /// <summary>A body that is not a JSON object names no field: the place a parser stopped is not the field at fault.</summary>
    [Theory]
    [MemberData(nameof(InvalidJson))]
    public Task Invalid_json_says_where_and_names_no_field(string because, string json, string detail) =>
        AssertJsonRefusedAsync(because, Encoding.UTF8.GetBytes(json), null, detail);

    public static TheoryData<string, byte[], string?, string> InvalidUtf8() => new()
    {
        { "in a field's string", [.. "{\"text\":\"a"u8, 0xC3, 0x28, .. "\"}"u8], "text", "'text' is not valid UTF-8 (line 1, byte 11)." },
        { "in an image list", [.. "{\"images\":[\"aGk=\",\""u8, 0xFF, .. "\"]}"u8], "images", "'images' is not valid UTF-8 (line 1, byte 20)." },
        { "between values", [.. "{\"text\":"u8, 0xFF, .. "}"u8], null, "The JSON body is not valid UTF-8 (line 1, byte 9)." },
        { "in a field name", [.. "{\"te"u8, 0xFF, .. "xt\":\"a\"}"u8], null, "The JSON body is not valid UTF-8 (line 1, byte 5)." },
        { "latin-1 text", [.. "{\n\"text\":\"caf"u8, 0xE9, .. "\"}"u8], "text", "'text' is not valid UTF-8 (line 2, byte 12)." },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public Task Invalid_utf8_says_where(string because, byte[] body, string? field, string detail) =>
        AssertJsonRefusedAsync(because, body, field, detail);

    public static TheoryData<string, string, string, string> UnknownJsonFields() => new()
    {
        { "camelCase", """{"maxNewTokens":2}""", "maxNewTokens", "Unknown field 'maxNewTokens'; did you mean 'max_new_tokens'?" },
        { "PascalCase", """{"NumBeams":1}""", "NumBeams", "Unknown field 'NumBeams'; did you mean 'num_beams'?" },
        { "kebab-case", """{"max-new-tokens":1}""", "max-new-tokens", "Unknown field 'max-new-tokens'; did you mean 'max_new_tokens'?" },
        { "capitalised", """{"Image":"aGk="}""", "Image", "Unknown field 'Image'; did you mean 'image'?" },
        { "missing letter", """{"max_new_token":2}""", "max_new_token", "Unknown field 'max_new_token'; did you mean 'max_new_tokens'?" },
        { "swapped letters", """{"imgae":"aGk="}""", "imgae", "Unknown field 'imgae'; did you mean 'image'?" },
        { "other API's name", """{"prompt":"a car"}""", "prompt", "Unknown field 'prompt'; did you mean 'text'?" },
        { "nothing close", """{"temperature":0.7}""", "temperature", $"Unknown field 'temperature'; {Known}." },
        { "several", """{"maxNewTokens":2,"numBeams":1,"foo":true}""", "maxNewTokens",
            $"Unknown fields 'maxNewTokens' (did you mean 'max_new_tokens'?), 'numBeams' (did you mean 'num_beams'?), 'foo'; {Known}." },
        { "many", "{" + string.Join(",", Enumerable.Range(0, 12).Select(i => $"\"f{i}\":{i}")) + "}", "f0",
            $"Unknown fields 'f0', 'f1', 'f2', 'f3', 'f4' and 7 more; {Known}." },
        { "repeated", """{"num_beams":1,"max_new_tokens":2,"num_beams":3}""", "num_beams", "'num_beams' is given 2 times; send it once." },
    };

    /// <summary>The schema says <c>additionalProperties: false</c>; a misspelt field silently ignored ran 1024 tokens.</summary>
    [Theory]
    [MemberData(nameof(UnknownJsonFields))]
    public Task Unknown_and_repeated_json_fields_are_named_with_the_field_meant(string because, string json, string field, string detail) =>
        AssertJsonRefusedAsync(because, Encoding.UTF8.GetBytes(json), field, detail);

    public static TheoryData<string, (string Name, string? Value)[], string, string> MultipartFields() => new()
    {
        { "camelCase", [("maxNewTokens", "2")], "maxNewTokens", "Unknown field 'maxNewTokens'; did you mean 'max_new_tokens'?" },
        { "capitalised", [("Task", "od")], "Task", "Unknown field 'Task'; did you mean 'task'?" },
        { "file part named file", [("file", null)], "file", "Unknown field 'file'; did you mean 'image'?" },
        { "several", [("foo", "1"), ("numBeams", "1")], "foo", $"Unknown fields 'foo', 'numBeams' (did you mean 'num_beams'?); {Known}." },
        { "repeated", [("task", "od"), ("task", "caption")], "task", "'task' is given 2 times; send it once." },
        { "image as a plain field", [("image", "car.jpg")], "image", "'image' must be a file part, not a plain field (with curl: -F image=@photo.jpg)." },
        { "text as a file", [("text", null)], "text", "'text' must be a plain field, not a file part." },
        { "word for an integer", [("num_beams", "x")], "num_beams", "'num_beams' must be an integer; got 'x'." },
        { "fraction", [("num_beams", "2.5")], "num_beams", "'num_beams' must be an integer; got '2.5'." },
        { "beyond int", [("max_new_tokens", "10000000000")], "max_new_tokens", "'max_new_tokens' is out of range; got '10000000000'." },
    };

    /// <summary>
    /// The same checks and words for multipart/form-data (a field with a null value is sent as a file part). No client
    /// of ours sends other fields (README, load test, cluster tests, Swagger UI send only the documented ones).
    /// </summary>
    [Theory]
    [MemberData(nameof(MultipartFields))]
    public async Task Multipart_fields_get_the_same_checks_and_words(string because, (string Name, string? Value)[] fields, string field, string detail)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Image) { Headers = { ContentType = new("image/png") } }, "image", "car.png" } };
        foreach (var (name, value) in fields)
        {
            if (value is null) form.Add(new ByteArrayContent(Image), name, "upload.png");
            else form.Add(new StringContent(value), name);
        }
        if (!fields.Any(f => f.Name == "max_new_tokens")) form.Add(new StringContent("2"), "max_new_tokens");
        using var response = await service.Client.PostAsync("/v1/detect", form);

        await AssertRefusedAsync(because, response, field, detail);
    }

    [Fact]
    public async Task Valid_json_with_a_byte_order_mark_and_null_fields_is_served()
    {
        string json = $$"""{"image":"{{Convert.ToBase64String(Image)}}","text":null,"region":null,"num_beams":1,"max_new_tokens":2}""";
        using var response = await PostJsonAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)]);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_browser_form_without_a_chosen_file_is_a_missing_image_not_a_misplaced_field()
    {
        using var form = new MultipartFormDataContent { { new StringContent(""), "image" }, { new StringContent("2"), "max_new_tokens" } };
        using var response = await service.Client.PostAsync("/v1/detect", form);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "image");
        Assert.StartsWith("No image was sent", (string?)problem["detail"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maxNewTokens", "max_new_tokens")]
    [InlineData("MAX_NEW_TOKENS", "max_new_tokens")]
    [InlineData("num_beam", "num_beams")]
    [InlineData("txt", "text")]
    [InlineData("img", "image")]
    [InlineData("regions", "region")]
    [InlineData("files", "images")]
    [InlineData("id", null)]
    [InlineData("model", null)]
    [InlineData("", null)]
    public void Suggestions_cover_casing_separators_aliases_and_small_typos(string unknown, string? expected) =>
        Assert.Equal(expected, KnownFields.Suggest(unknown));

    private async Task AssertJsonRefusedAsync(string because, byte[] body, string? field, string detail)
    {
        using var response = await PostJsonAsync(body);
        await AssertRefusedAsync(because, response, field, detail);
    }

    private async Task<HttpResponseMessage> PostJsonAsync(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await service.Client.PostAsync("/v1/detect", content);
    }

    /// <summary>400 with exactly this detail and field (none when <paramref name="field"/> is null), and no internals.</summary>
    private static async Task AssertRefusedAsync(string because, HttpResponseMessage response, string? field, string detail)
    {
        string text = await response.Content.ReadAsStringAsync();
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.True(detail == (string?)problem["detail"], $"{because}: expected detail\n  {detail}\ngot\n  {problem["detail"]}");
        Assert.Equal("Invalid request", (string?)problem["title"]);
        if (field is null) Assert.True(problem["field"] is null, $"{because}: a body-level problem names no field: {text}");
        foreach (string word in Internals)
            Assert.False(text.Contains(word, StringComparison.Ordinal), $"{because}: '{word}' in {text}");
    }
}
