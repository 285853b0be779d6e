namespace Florence2.LoadTest;

/// <summary>
/// Polls <c>/health/live</c> every 100 ms on its own connection pool (so it never queues behind task requests on the
/// client side) and keeps each answer; a Kubernetes liveness probe under overload would see exactly these. A poll
/// gives up after <paramref name="timeout"/>, as the kubelet does (recorded as status 0).
/// </summary>
public sealed class LivenessProbe(Uri baseUrl, TimeSpan timeout) : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly HttpClient client = new(new SocketsHttpHandler()) { BaseAddress = baseUrl, Timeout = timeout };
    private readonly CancellationTokenSource stop = new();
    private readonly List<Outcome> answers = [];
    private Task? loop;

    public IReadOnlyList<Outcome> Answers => answers;

    public void Start() => loop = Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            answers.Add(await Outcome.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/health/live")).ConfigureAwait(false));
    });

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            if (loop is not null) await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The normal way out of the loop.
        }
        client.Dispose();
        stop.Dispose();
    }
}
