using System.Net;
using System.Text.Json.Nodes;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>Checks RFC 9457 problem details the way every error of the service must look.</summary>
public static class ProblemAssert
{
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.True("application/problem+json" == response.Content.Headers.ContentType?.MediaType, $"Content-Type {response.Content.Headers.ContentType}: {text}");
        var body = JsonNode.Parse(text) as JsonObject ?? throw new Xunit.Sdk.XunitException($"Not a JSON object: {text}");
        Assert.Equal((int)status, (int?)body["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["title"]), $"No title: {text}");
        Assert.False(string.IsNullOrWhiteSpace((string?)body["detail"]), $"No detail: {text}");
        Assert.False(string.IsNullOrWhiteSpace((string?)body["traceId"]), $"No traceId: {text}");
        Assert.True(body["trace_id"] is null, $"trace_id twice: {text}");
        if (field is not null) Assert.Equal(field, (string?)body["field"]);
        return body;
    }

    /// <summary>A Retry-After of at least one second, as 429 and 503 answers carry.</summary>
    public static void AssertRetryAfter(this HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        Assert.NotNull(retry);
        Assert.True(retry.Delta is { TotalSeconds: >= 1 }, $"Retry-After should be a positive number of seconds, got '{retry}'.");
    }
}
