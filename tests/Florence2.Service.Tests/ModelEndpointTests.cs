using System.Text.Json.Nodes;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tests;

namespace Florence2.Service.Tests;

/// <summary><c>GET /v1/model</c>: operators see which model, provider and batching mode an instance really runs.</summary>
public sealed class ModelEndpointTests
{
    [Theory]
    [InlineData("continuous")]
    [InlineData("cohort")]
    public async Task It_reports_the_batching_mode_in_effect_with_the_queue_settings(string mode)
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(("Florence2:Batching:Mode", mode),
            ("Florence2:Batching:MaxBatchSize", 6), ("Florence2:Batching:MaxQueueSize", 40)));
        using var client = await factory.CreateReadyClientAsync();

        var model = await GetModelAsync(client);

        Assert.Equal("cpu", (string?)model["provider"]);
        Assert.Equal("fp32", (string?)model["dtype"]);
        Assert.Equal(1, (int?)model["instances"]);
        var batching = model["batching"]!;
        Assert.Equal(mode, (string?)batching["mode"]);
        Assert.Equal(mode, (string?)batching["requested_mode"]);
        Assert.Null(batching["continuous_unavailable"]);
        Assert.Equal(mode == "continuous", (bool?)batching["finish_first"]); // on by default, a continuous-mode rule
        Assert.Equal(6, (int?)batching["max_batch_size"]);
        Assert.Equal(5, (int?)batching["max_queue_delay_ms"]); // the test factory's setting
        Assert.Equal(40, (int?)batching["max_queue_size"]);
        Assert.Equal(0, (int?)batching["queue_depth"]);
        Assert.Equal(0, (int?)batching["running_requests"]);
    }

    [Fact]
    public async Task A_decoder_that_cannot_take_joiners_reports_cohort_and_says_why()
    {
        await using var factory = new ServiceFactory(TestModels.TinyOpaquePositions, Settings.Of(("Florence2:Batching:Mode", "continuous")));
        using var client = await factory.CreateReadyClientAsync();

        var batching = (await GetModelAsync(client))["batching"]!;

        Assert.Equal("cohort", (string?)batching["mode"]);
        Assert.Equal("continuous", (string?)batching["requested_mode"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)batching["continuous_unavailable"]));
        Assert.False((bool?)batching["finish_first"]);
    }

    [Fact]
    public async Task Finish_first_off_is_reported_off()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(("Florence2:Batching:FinishFirst", false)));
        using var client = await factory.CreateReadyClientAsync();

        var batching = (await GetModelAsync(client))["batching"]!;

        Assert.Equal("continuous", (string?)batching["mode"]);
        Assert.False((bool?)batching["finish_first"]);
    }

    private static async Task<JsonNode> GetModelAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/v1/model");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
