using System.Net;
using Florence2.Service.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// A service on the scripted <see cref="Scripts.Long"/> model whose worker can be held busy deterministically: a request
/// with a large <c>max_new_tokens</c> is held on the worker until the test releases it (<see cref="HeldRequest"/>) and
/// then decodes that many steps, however fast or slow the machine is; a request with a budget of 2 is answered at once
/// when it reaches the model.
/// </summary>
public sealed class BusyService : IAsyncDisposable
{
    private readonly HoldingExecutorDecorator holding = new();

    private BusyService(IReadOnlyDictionary<string, string?> settings) =>
        Factory = ServiceFactory.Scripted(Scripts.Long(), settings,
            services => services.AddSingleton<IBatchExecutorDecorator>(holding));

    public ServiceFactory Factory { get; }

    public HttpClient Client { get; private set; } = null!;

    public static async Task<BusyService> StartAsync(params (string Key, object Value)[] settings)
    {
        var service = new BusyService(Settings.Of(settings));
        service.Client = await service.Factory.CreateReadyClientAsync();
        return service;
    }

    /// <summary>A request that holds the worker for <paramref name="tokens"/> decoder steps.</summary>
    public Task<HttpResponseMessage> SendLongAsync(int tokens = 600, CancellationToken cancellationToken = default) =>
        Client.PostAsync("/v1/caption", TaskRequests.Multipart(TestImages.Png(64, 48),
            new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            cancellationToken);

    /// <summary>A request that is answered as soon as it reaches the model.</summary>
    public Task<HttpResponseMessage> SendShortAsync(IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/caption")
        {
            Content = TaskRequests.Multipart(TestImages.Png(32, 32),
                new Dictionary<string, string> { ["num_beams"] = "1", ["max_new_tokens"] = "2" }),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return Client.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Starts a long request and returns once a model instance has taken it (its batch shows in the metrics); the
    /// worker stays busy until <see cref="HeldRequest.ReleaseAndAssertOkAsync"/>.
    /// </summary>
    public async Task<HeldRequest> HoldWorkerAsync(int tokens = 800)
    {
        var before = (await Prometheus.ScrapeAsync(Client)).Value("florence2_batch_size_count");
        var running = SendLongAsync(tokens);
        await Prometheus.WaitForAsync(Client, m => m.Value("florence2_batch_size_count") > before || running.IsCompleted, "the long request start");
        Assert.False(running.IsCompleted, "The long request finished before the test could use the busy worker.");
        return new HeldRequest(running, holding);
    }

    /// <summary>A long request held on the worker until the test lets it run.</summary>
    public sealed class HeldRequest(Task<HttpResponseMessage> response, HoldingExecutorDecorator holding)
    {
        public bool IsCompleted => response.IsCompleted;

        /// <summary>Lets the worker go without waiting for the answer (e.g. while the host is stopping).</summary>
        public void Release() => holding.Release();

        public Task ReleaseAndAssertOkAsync()
        {
            holding.Release();
            return AssertOkAsync(response);
        }
    }

    public static async Task AssertOkAsync(Task<HttpResponseMessage> pending)
    {
        using var response = await pending;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        holding.Release();   // a test that failed while holding must not keep the host's stop waiting
        Client?.Dispose();
        await Factory.DisposeAsync();
        holding.Dispose();
    }
}
