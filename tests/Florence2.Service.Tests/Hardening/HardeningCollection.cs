namespace Florence2.Service.Tests.Hardening;

/// <summary>
/// Hardening tests run alone, after the parallel collections: they measure process memory, count the process-wide
/// florence2 meter and time refusals, all of which other hosts running in the same test process would disturb.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HardeningCollection
{
    public const string Name = "Hardening";
}
