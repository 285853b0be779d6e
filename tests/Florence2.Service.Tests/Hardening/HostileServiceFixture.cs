using System.Globalization;
using Florence2.Service.Tests.Hardening.Corpus;
using Florence2.Service.Tests.Infrastructure;

namespace Florence2.Service.Tests.Hardening;

/// <summary>
/// One tiny-model service for the whole corpus, with API keys on (so the 401 cases mean something) and a 4 MiB body
/// limit (so the oversized-body cases stay cheap). Clients send the valid key unless a case says otherwise.
/// </summary>
public sealed class HostileServiceFixture : IAsyncLifetime
{
    public const string ApiKey = "hardening-key";

    private ServiceFactory? factory;

    public ServiceFactory Factory => factory ?? throw new InvalidOperationException("Not initialised.");

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        factory = ServiceFactory.Tiny(new Dictionary<string, string?>
        {
            ["Florence2:Security:ApiKeys:0"] = ApiKey,
            ["Florence2:Limits:MaxRequestBodyBytes"] = HostileCorpus.BodyLimitBytes.ToString(CultureInfo.InvariantCulture),
            ["Florence2:Limits:MaxImagesPerRequest"] = HostileCorpus.MaxImages.ToString(CultureInfo.InvariantCulture),
        });
        Client = await factory.CreateReadyClientAsync();
    }

    /// <summary>Sends a case's request with its API key; the caller disposes the response.</summary>
    public Task<HttpResponseMessage> SendAsync(HostileCase hostile)
    {
        var request = hostile.Build();
        request.Headers.Add("X-Api-Key", hostile.ApiKey ?? ApiKey);
        return Client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (factory is not null) await factory.DisposeAsync();
    }
}
