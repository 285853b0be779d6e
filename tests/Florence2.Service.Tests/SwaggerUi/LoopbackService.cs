using System.Net;
using Florence2.Service.Tests.Infrastructure;
using Florence2.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Florence2.Service.Tests.SwaggerUi;

/// <summary>
/// The real service on the tiny fixture model behind Kestrel on a free loopback port, so that a browser can reach it
/// (the in-memory test server has no socket). Same configuration path as <see cref="ServiceFactory"/>.
/// </summary>
public sealed class LoopbackService : IAsyncDisposable
{
    private readonly ServiceFactory _factory;

    private LoopbackService(ServiceFactory factory, Uri address)
    {
        _factory = factory;
        Address = address;
    }

    /// <summary>Where the service listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts the service on the tiny model, or on a scripted one when <paramref name="script"/> is given.</summary>
    public static async Task<LoopbackService> StartAsync(IReadOnlyDictionary<string, string?> settings, string? script = null,
        Action<IServiceCollection>? services = null)
    {
        var factory = script is null ? new ServiceFactory(TestModels.Tiny, settings, services) : ServiceFactory.Scripted(script, settings, services);
        try
        {
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            factory.StartServer();
            string address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single();
            var service = new LoopbackService(factory, new Uri(address.TrimEnd('/') + "/"));
            using var http = new HttpClient { BaseAddress = service.Address, Timeout = Eventually.DefaultLimit };
            await Eventually.UntilAsync(async () =>
            {
                using var ready = await http.GetAsync("health/ready");
                return ready.StatusCode;
            }, status => status == HttpStatusCode.OK, $"{service.Address}health/ready answering 200");
            return service;
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}
