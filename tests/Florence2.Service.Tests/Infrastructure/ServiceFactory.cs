using System.Net;
using Florence2.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// The real service in memory over a fixture model (tiny by default), configured through the same keys people use
/// (<c>Florence2:Batching:MaxBatchSize</c> …). <see cref="CreateReadyClientAsync"/> waits for the model to load.
/// </summary>
public sealed class ServiceFactory(string modelPath, IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    public static ServiceFactory Tiny(IReadOnlyDictionary<string, string?>? settings = null) => new(TestModels.Tiny, settings);

    /// <summary>A service whose decoder writes <paramref name="script"/> whatever it is asked (see <see cref="Scripts"/>).</summary>
    public static ServiceFactory Scripted(string script, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null) =>
        new(Scripts.Model(script), settings, services);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Florence2:Model:Path", modelPath);
        builder.UseSetting("Florence2:Inference:Provider", "cpu");
        builder.UseSetting("Florence2:Service:WarmUp", "false");
        builder.UseSetting("Florence2:Batching:MaxQueueDelayMs", "5");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        if (services is not null) builder.ConfigureServices(services);
    }

    /// <summary>A client once <c>/health/ready</c> says 200 (fails the test after <see cref="Eventually.DefaultLimit"/> with the last answer).</summary>
    public Task<HttpClient> CreateReadyClientAsync() => ReadyClientAsync(this);

    /// <summary>
    /// <see cref="CreateReadyClientAsync"/> for any factory of the app (e.g. one made by <c>WithWebHostBuilder</c>).
    /// Every answer the client gets is checked against the Swagger document (<see cref="OpenApiResponseValidator"/>).
    /// </summary>
    public static async Task<HttpClient> ReadyClientAsync(WebApplicationFactory<Program> factory)
    {
        var client = factory.CreateDefaultClient(new OpenApiResponseValidator());
        await Eventually.UntilAsync(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }, answer => answer.Item1 == (int)HttpStatusCode.OK, "/health/ready answering 200", answer => $"{answer.Item1} {answer.Item2}",
            period: TimeSpan.FromMilliseconds(50));
        return client;
    }
}
