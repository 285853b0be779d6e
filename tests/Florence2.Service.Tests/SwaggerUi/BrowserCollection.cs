namespace Florence2.Service.Tests.SwaggerUi;

/// <summary>
/// The browser tests run alone: Chromium and a Kestrel-hosted service together load a small machine enough to blur
/// other tests' timing windows (a rate limit's one-second bucket, a busy worker).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser (Swagger UI in Chromium)";
}
