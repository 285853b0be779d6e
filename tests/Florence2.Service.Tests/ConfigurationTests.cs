using System.Net;
using Florence2.Service.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Tests;

/// <summary>Settings bind from configuration keys (and their environment-variable spelling) and are validated at start.</summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, string, string> InvalidSettings() => new()
    {
        { "Florence2:Batching:MaxBatchSize", "0", "Florence2:Batching:MaxBatchSize" },
        { "Florence2:Batching:MaxQueueSize", "0", "Florence2:Batching:MaxQueueSize" },
        { "Florence2:Batching:MaxQueueDelayMs", "-1", "Florence2:Batching:MaxQueueDelayMs" },
        { "Florence2:Cache:VisionFeaturesMb", "-1", "Florence2:Cache:VisionFeaturesMb" },
        { "Florence2:Inference:Instances", "0", "Florence2:Inference:Instances" },
        { "Florence2:Service:LogFormat", "xml", "Florence2:Service:LogFormat" },
        { "Florence2:Model:Dtype", "fp64", "Florence2:Model:Dtype" },
        { "Florence2:Model:HubUrl", "ftp://example", "Florence2:Model:HubUrl" },
        { "Florence2:Limits:MaxNumBeams", "0", "Florence2:Limits:MaxNumBeams" },
        { "Florence2:Security:RateLimit:Burst", "0", "Florence2:Security:RateLimit:Burst" },
    };

    /// <summary>
    /// Starts a host with the service's settings registrations (<see cref="SettingsHost"/>) on this thread. Not through WebApplicationFactory: there
    /// the app's own thread fails the start and disposes the host, racing the factory's thread, which then reads the
    /// disposed container and reports an ObjectDisposedException instead of the validation failure (seen on CI). The
    /// real process's one-line exit is covered by the cluster tests' StartupFailureTests.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task An_invalid_setting_stops_startup_with_a_message_naming_the_key(string key, string value, string named)
    {
        await using var app = SettingsHost.Builder(Settings.Of((key, value))).Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_bind_from_configuration_and_apply_to_requests()
    {
        await using var factory = ServiceFactory.Tiny(Settings.Of(("Florence2:Limits:MaxNumBeams", 2), ("Florence2:Limits:MaxNewTokens", 16)));
        using var client = await factory.CreateReadyClientAsync();

        using var beams = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(32, 32),
            new Dictionary<string, string> { ["num_beams"] = "3", ["max_new_tokens"] = "4" }));
        var problem = await beams.AssertProblemAsync(HttpStatusCode.BadRequest, "num_beams");
        Assert.Contains("between 1 and 2", (string?)problem["detail"], StringComparison.Ordinal);

        // Without max_new_tokens the configured budget is the default: the tiny model rarely stops on its own.
        using var budget = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(32, 32),
            new Dictionary<string, string> { ["num_beams"] = "1" }));
        var body = await budget.ReadObjectAsync();
        Assert.InRange((int)body["timings"]!["generated_tokens"]!, 1, 16);
    }

    /// <summary>
    /// Environment variables spell the keys with double underscores (<c>Florence2__Batching__MaxBatchSize</c>). The
    /// process environment is shared by parallel tests, so this uses a prefixed environment source with a unique prefix:
    /// the same provider and the same <c>__</c> → <c>:</c> mapping as the unprefixed one the app reads.
    /// </summary>
    [Fact]
    public async Task Environment_variable_spelling_binds()
    {
        string prefix = $"F2TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Florence2__Limits__MaxNumBeams", "1");
        Environment.SetEnvironmentVariable(prefix + "Florence2__Model__Id", "from-the-environment");
        try
        {
            await using var factory = ServiceFactory.Tiny().WithWebHostBuilder(builder =>
                builder.ConfigureAppConfiguration(config => config.AddEnvironmentVariables(prefix)));
            using var client = await ServiceFactory.ReadyClientAsync(factory);

            using var refused = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(32, 32),
                new Dictionary<string, string> { ["num_beams"] = "2" }));
            await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "num_beams");
            using var served = await client.PostAsync("/v1/detect", TaskRequests.Multipart(TestImages.Png(32, 32),
                new Dictionary<string, string> { ["max_new_tokens"] = "2" }));
            Assert.Equal("from-the-environment", (string?)(await served.ReadObjectAsync())["model"]!["id"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Florence2__Limits__MaxNumBeams", null);
            Environment.SetEnvironmentVariable(prefix + "Florence2__Model__Id", null);
        }
    }
}
