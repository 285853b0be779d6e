using System.Net.Http.Headers;
using System.Text;

namespace Florence2.Service.Tests.Hardening.Corpus;

/// <summary>Builds the raw HTTP requests of the corpus, including the ones a well-behaved client library would refuse to send.</summary>
public static class HostileRequests
{
    /// <summary>Small token budget so cases that do reach the model stay quick on the tiny fixture.</summary>
    public const string QuickTokens = "4";

    public static HttpRequestMessage Multipart(string path, byte[]? image, IReadOnlyDictionary<string, string>? fields = null,
        string partContentType = "application/octet-stream", int imageCount = 1)
    {
        var form = new MultipartFormDataContent();
        for (int i = 0; image is not null && i < imageCount; i++)
        {
            var part = new ByteArrayContent(image);
            part.Headers.ContentType = new MediaTypeHeaderValue(partContentType);
            form.Add(part, "image", $"upload{i}");
        }
        foreach (var (name, value) in fields ?? Quick) form.Add(new StringContent(value), name);
        return Post(path, form);
    }

    /// <summary>A multipart field whose bytes are sent as they are (e.g. invalid UTF-8).</summary>
    public static HttpRequestMessage MultipartRawField(string path, byte[] image, string field, byte[] value)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(image), "image", "upload.png" } };
        form.Add(new ByteArrayContent(value), field);
        return Post(path, form);
    }

    /// <summary>A JSON body exactly as written (no serializer in between, so it may be malformed on purpose).</summary>
    public static HttpRequestMessage Json(string path, string json) => Json(path, Encoding.UTF8.GetBytes(json));

    public static HttpRequestMessage Json(string path, byte[] utf8)
    {
        var content = new ByteArrayContent(utf8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Post(path, content);
    }

    public static HttpRequestMessage Raw(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Post(path, content);
    }

    public static Dictionary<string, string> Fields(params (string Name, string Value)[] fields)
    {
        var all = new Dictionary<string, string>(Quick);
        foreach (var (name, value) in fields) all[name] = value;
        return all;
    }

    private static IReadOnlyDictionary<string, string> Quick { get; } = new Dictionary<string, string> { ["max_new_tokens"] = QuickTokens };

    private static HttpRequestMessage Post(string path, HttpContent content) => new(HttpMethod.Post, path) { Content = content };
}
