using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests;

public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Metrics_expose_the_managed_heap_and_gc_next_to_the_service_counters()
    {
        await using var factory = ServiceFactory.Tiny();
        using var client = await factory.CreateReadyClientAsync();
        GC.Collect(); // the GC heap-size gauges report the last collection

        var metrics = await Prometheus.ScrapeAsync(client);

        // The runtime's own meter: what the soak and the benchmark need to tell a managed leak from native growth.
        Assert.Contains(metrics.Samples, s => s.Name == "dotnet_gc_heap_total_allocated_bytes_total" && s.Value > 0);
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal));
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_process_", StringComparison.Ordinal));
    }
}
