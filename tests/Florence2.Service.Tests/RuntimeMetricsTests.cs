using Florence2.Service.Observability;
using Florence2.Service.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Serilog.Events;

namespace Florence2.Service.Tests;

public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Metrics_expose_the_managed_heap_gc_and_http_durations_with_up_down_values_as_gauges()
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();
        using (await client.GetAsync("/v1/tasks")) { }   // one routed request, so the HTTP histogram has a sample
        GC.Collect(); // the GC heap-size gauges report the last collection

        var metrics = await Prometheus.WaitForAsync(client, m => m.Has("http_server_request_duration_seconds_count"), "the HTTP duration");

        // The runtime's own meter: what the soak and the benchmark need to tell a managed leak from native growth.
        Assert.Contains(metrics.Samples, s => s.Name == "dotnet_gc_heap_total_allocated_bytes_total" && s.Value > 0);
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal));
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_process_", StringComparison.Ordinal));
        // ASP.NET Core's request duration, per route.
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", metrics.Text, StringComparison.Ordinal);
        Assert.Contains(metrics.Samples, s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.Contains("http_route=\"/v1/tasks/\"", StringComparison.Ordinal));
        // Values that go up and down are gauges, never counters (which invite rate()).
        Assert.Contains("# TYPE dotnet_thread_pool_thread_count gauge", metrics.Text, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_thread_pool_queue_length gauge", metrics.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet_thread_pool_thread_count_total", metrics.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet_thread_pool_queue_length_total", metrics.Text, StringComparison.Ordinal);
        Assert.True(metrics.Value("dotnet_thread_pool_thread_count") >= 1, "the gauge observes the real thread pool");
    }

    [Theory]
    [InlineData("/health/ready", 503, LogEventLevel.Verbose)]   // warm-up readiness: the design, not an error
    [InlineData("/health/live", 200, LogEventLevel.Verbose)]
    [InlineData("/metrics", 200, LogEventLevel.Verbose)]
    [InlineData("/v1/caption", 200, LogEventLevel.Information)]
    [InlineData("/v1/caption", 400, LogEventLevel.Information)]  // the client's own mistake
    [InlineData("/v1/caption", 503, LogEventLevel.Warning)]      // load shedding
    [InlineData("/v1/caption", 504, LogEventLevel.Warning)]      // a deadline, possibly the client's own X-Request-Timeout-Ms
    [InlineData("/v1/caption", 500, LogEventLevel.Error)]
    public void Request_lines_are_logged_at_a_level_that_says_whose_problem_it_is(string path, int status, LogEventLevel expected) =>
        Assert.Equal(expected, ObservabilityRegistration.RequestLogLevel(new PathString(path), status, error: null));
}
