namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// Tests that read <c>/metrics</c> or depend on a worker staying busy run alone. The OpenTelemetry exporter listens
/// to meters by name across the process, so two live hosts would see each other's Florence2 instruments, and other
/// tests' CPU load would blur the "worker is busy" windows.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (metrics and busy workers)";
}
