using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace Florence2.Service.Observability;

/// <summary>
/// The runtime's thread-pool figures as Prometheus gauges. <c>System.Runtime</c> publishes them as up-down counters,
/// which the Prometheus exporter types <c>counter</c> with a <c>_total</c> suffix, inviting <c>rate()</c> on values that
/// go up and down. They are dropped from that meter and observed here under the same names as gauges.
/// </summary>
public sealed class RuntimeGauges : IDisposable
{
    public const string MeterName = "Florence2.Runtime";
    private static readonly string[] Replaced = ["dotnet.thread_pool.thread.count", "dotnet.thread_pool.queue.length"];

    private readonly Meter _meter;

    public RuntimeGauges(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("dotnet.thread_pool.thread.count", () => (long)ThreadPool.ThreadCount, "{thread}",
            "Thread-pool threads that currently exist.");
        _meter.CreateObservableGauge("dotnet.thread_pool.queue.length", () => ThreadPool.PendingWorkItemCount, "{work_item}",
            "Work items queued to the thread pool and not yet started.");
    }

    /// <summary>Drops the up-down originals from System.Runtime (the gauges above take their names).</summary>
    public static MeterProviderBuilder DropUpDownOriginals(MeterProviderBuilder metrics) =>
        metrics.AddView(instrument => instrument.Meter.Name == "System.Runtime" && Replaced.Contains(instrument.Name)
            ? MetricStreamConfiguration.Drop
            : null);

    public void Dispose() => _meter.Dispose();
}
