namespace Florence2.Service.Tests.Infrastructure;

/// <summary>One tiny-model service shared by the tests of a class (default settings).</summary>
public sealed class TinyService : IAsyncLifetime
{
    private ServiceFactory? _factory;

    public HttpClient Client { get; private set; } = null!;

    public ServiceFactory Factory => _factory ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _factory = ServiceFactory.Tiny();
        Client = await _factory.CreateReadyClientAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
    }
}
