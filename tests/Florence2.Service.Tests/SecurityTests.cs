using System.Net;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

/// <summary>API keys on /v1 (health, metrics and docs stay open) and the per-client rate limit.</summary>
public sealed class SecurityTests
{
    private static MultipartFormDataContent SmallRequest() => TaskRequests.Multipart(TestImages.Png(32, 32),
        new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = "2" });

    private static HttpRequestMessage Post(string url, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = SmallRequest() };
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return request;
    }

    [Fact]
    public async Task Configured_api_keys_guard_every_task_endpoint_but_not_health_metrics_or_docs()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(
            ("Florence2:Security:ApiKeys:0", "secret"), ("Florence2:Security:ApiKeys:1", "other-secret")));
        using var client = await factory.CreateReadyClientAsync();

        foreach (string url in new[] { "/v1/detect", "/v1/caption", "/v1/ocr", "/v1/segment", "/v1/tasks/od" })
        {
            using var missing = await client.SendAsync(Post(url, null));
            var problem = await missing.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains("X-Api-Key", (string?)problem["detail"], StringComparison.Ordinal);
            Assert.Contains("ApiKey", missing.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

            using var wrong = await client.SendAsync(Post(url, "secreT"));
            await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.DoesNotContain("secreT", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var list = await client.GetAsync("/v1/tasks")) await list.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var right = await client.SendAsync(Post("/v1/segment", "secret"));
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode); // past the key check: segmentation needs text
        using var detect = await client.SendAsync(Post("/v1/detect", "other-secret"));
        Assert.Equal(HttpStatusCode.OK, detect.StatusCode);

        foreach (string open in new[] { "/health/live", "/health/ready", "/metrics", "/swagger/v1/swagger.json" })
        {
            using var response = await client.GetAsync(open);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{open}: {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// One token per 100 s: the bucket cannot refill between two requests however slow the machine is (with one per
    /// second, a first request that took over a second on a busy machine let the second one through).
    /// </summary>
    private const double SlowRefill = 0.01;

    [Fact]
    public async Task Past_the_rate_limit_a_client_gets_429_with_Retry_After_while_health_stays_open()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(
            ("Florence2:Security:RateLimit:PermitsPerSecond", SlowRefill), ("Florence2:Security:RateLimit:Burst", 1)));
        using var client = await factory.CreateReadyClientAsync();

        using var first = await client.PostAsync("/v1/detect", SmallRequest());
        using var second = await client.PostAsync("/v1/detect", SmallRequest());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await second.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        second.AssertRetryAfter();
        for (int i = 0; i < 5; i++)
        {
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        var metrics = await Prometheus.ScrapeAsync(client);
        Assert.True(metrics.Value("florence2_requests_total", "outcome=\"rate_limited\"") >= 1, "429s are counted");
    }

    [Fact]
    public async Task Each_api_key_has_its_own_rate_limit_bucket()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(
            ("Florence2:Security:ApiKeys:0", "alice"), ("Florence2:Security:ApiKeys:1", "bob"),
            ("Florence2:Security:RateLimit:PermitsPerSecond", SlowRefill), ("Florence2:Security:RateLimit:Burst", 1)));
        using var client = await factory.CreateReadyClientAsync();

        using var alice = await client.SendAsync(Post("/v1/detect", "alice"));
        using var aliceAgain = await client.SendAsync(Post("/v1/detect", "alice"));
        using var bob = await client.SendAsync(Post("/v1/detect", "bob"));

        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        await aliceAgain.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
    }
}
