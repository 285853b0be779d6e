using System.Text.Json.Nodes;
using Florence2.Service.Tests.Hardening.Corpus;

namespace Florence2.Service.Tests.Hardening;

/// <summary>Checks an answer against a <see cref="HostileCase"/>: the status, and for refusals an RFC 9457 body.</summary>
public static class ProblemAssert
{
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
}
