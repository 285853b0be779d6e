using System.Net;
using System.Text.Json.Nodes;
using Florence2.Service.Tests.Hardening.Corpus;

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

    /// <summary>Checks an answer against a hostile case: the status, and for refusals an RFC 9457 body that leaks nothing.</summary>
    public static async Task MatchesAsync(HostileCase hostile, HttpResponseMessage response)
    {
        int status = (int)response.StatusCode;
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(hostile.Statuses.Contains(status), $"{hostile.Name}: expected {string.Join(" or ", hostile.Statuses)}, got {status}: {body}");
        if (status == 200)
        {
            Assert.NotNull(JsonNode.Parse(body)?["task"]);
            return;
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(status, (int?)problem["status"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), $"{hostile.Name}: no title");
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["traceId"]), $"{hostile.Name}: no traceId");
        if (hostile.Field is not null) Assert.Equal(hostile.Field, (string?)problem["field"]);
        // Problems must never leak internals: no stack frames, no exception type names.
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    /// <summary>A Retry-After of at least one second, as 429 and 503 answers carry.</summary>
    public static void AssertRetryAfter(this HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        Assert.NotNull(retry);
        Assert.True(retry.Delta is { TotalSeconds: >= 1 }, $"Retry-After should be a positive number of seconds, got '{retry}'.");
    }
}
