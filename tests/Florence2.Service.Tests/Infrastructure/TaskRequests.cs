using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>Builds task requests the two ways clients send them.</summary>
public static class TaskRequests
{
    public static MultipartFormDataContent Multipart(IEnumerable<byte[]> images, IReadOnlyDictionary<string, string>? fields = null,
        string contentType = "image/png")
    {
        var form = new MultipartFormDataContent();
        int i = 0;
        foreach (byte[] image in images)
        {
            var part = new ByteArrayContent(image);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "image", $"image{i++}.png");
        }
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
            form.Add(new StringContent(value), name);
        return form;
    }

    public static MultipartFormDataContent Multipart(byte[] image, IReadOnlyDictionary<string, string>? fields = null, string contentType = "image/png") =>
        Multipart([image], fields, contentType);

    public static JsonContent Json(IReadOnlyList<byte[]> images, IReadOnlyDictionary<string, object?>? fields = null)
    {
        var body = new Dictionary<string, object?>();
        if (images.Count == 1) body["image"] = Convert.ToBase64String(images[0]);
        else body["images"] = images.Select(Convert.ToBase64String).ToArray();
        foreach (var (name, value) in fields ?? new Dictionary<string, object?>()) body[name] = value;
        return JsonContent.Create(body);
    }

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject ?? throw new JsonException($"Expected a JSON object, got: {text}");
    }
}
