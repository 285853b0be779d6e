using System.Collections.Concurrent;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>Scripted-model services shared by a test class: one host per script, started on first use.</summary>
public sealed class ScriptedServices : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<(ServiceFactory Factory, HttpClient Client)>>> _services = new();

    public async Task<HttpClient> ClientAsync(string script) =>
        (await _services.GetOrAdd(script, s => new(async () =>
        {
            var factory = ServiceFactory.Scripted(s);
            return (factory, await factory.CreateReadyClientAsync());
        })).Value).Client;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var service in _services.Values.Where(v => v.IsValueCreated))
        {
            var (factory, client) = await service.Value;
            client.Dispose();
            await factory.DisposeAsync();
        }
    }
}
