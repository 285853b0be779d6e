using System.Diagnostics;

namespace Florence2.Benchmark;

/// <summary>One class of mixed traffic: the route, the task and the token count every request of it decodes (EOS ignored).</summary>
internal sealed record TrafficClass(string Name, string Route, string Task, int Tokens);

internal sealed record ClassSample(TrafficClass Class, RequestSample Sample);

/// <summary>
/// Issue 14's mixed traffic: half short and half long requests, greedy, sent to a service on loopback either in a
/// closed loop (each client alternates the two classes) or in an open loop (Poisson arrivals in a seeded order).
/// </summary>
internal sealed class MixedLoad
{
    private readonly LoadGenerator _load;
    private readonly byte[] _shortBody;
    private readonly byte[] _longBody;

    public MixedLoad(LoadGenerator load, TrafficClass shortClass, TrafficClass longClass)
    {
        _load = load;
        Short = shortClass;
        Long = longClass;
        _shortBody = load.TaskBody(shortClass.Task, shortClass.Tokens);
        _longBody = load.TaskBody(longClass.Task, longClass.Tokens);
    }

    public TrafficClass Short { get; }
    public TrafficClass Long { get; }

    public async Task<ClassSample> SendAsync(Uri baseAddress, TrafficClass trafficClass) =>
        new(trafficClass, await _load.SendAsync(baseAddress, trafficClass == Short ? _shortBody : _longBody, trafficClass.Route));

    /// <summary>
    /// <paramref name="clients"/> clients, each sending <paramref name="perClient"/> requests one after the other,
    /// alternating short and long; even-numbered clients start short and odd ones long, so half the requests in flight
    /// are of each class from the first moment and every client carries the same work (no long tail of one busy client).
    /// </summary>
    public async Task<List<ClassSample>> ClosedLoopAsync(Uri baseAddress, int clients, int perClient)
    {
        var samples = new List<ClassSample>(clients * perClient);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            for (int i = 0; i < perClient; i++)
            {
                var sample = await SendAsync(baseAddress, (client + i) % 2 == 0 ? Short : Long);
                lock (samples) samples.Add(sample);
            }
        }));
        return samples;
    }

    /// <summary>
    /// <paramref name="total"/> requests arriving as a Poisson process of <paramref name="ratePerSecond"/> (exponential
    /// gaps), half of each class in a shuffled order; the same <paramref name="seed"/> gives the same arrivals and order,
    /// so two services see identical traffic. Returns the samples and the time it took to send them all: the arrival rate
    /// really sent is the seeded sample's own (a few dozen exponential gaps stray from their mean), lower still if this
    /// process could not keep up.
    /// </summary>
    public async Task<(List<ClassSample> Samples, double SendingSeconds)> OpenLoopAsync(Uri baseAddress, double ratePerSecond, int total, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, total).Select(i => i % 2 == 0 ? Short : Long).ToArray();
        random.Shuffle(order);
        var watch = Stopwatch.StartNew();
        var sent = new List<Task<ClassSample>>(total);
        double dueSeconds = 0;
        foreach (var trafficClass in order)
        {
            dueSeconds += -Math.Log(1 - random.NextDouble()) / ratePerSecond;
            var wait = TimeSpan.FromSeconds(dueSeconds) - watch.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            sent.Add(SendAsync(baseAddress, trafficClass));
        }
        double sendingSeconds = watch.Elapsed.TotalSeconds;
        var samples = await Task.WhenAll(sent);
        return ([.. samples], sendingSeconds);
    }
}
