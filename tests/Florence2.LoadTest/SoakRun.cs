using System.Globalization;

namespace Florence2.LoadTest;

/// <summary>
/// Sends <c>--warmup</c> requests (default 1500: long enough for the allocator arenas, ImageSharp's pools and the GC
/// to reach their working set), then a fixed number of measured requests (a mix of valid ones and everyday refusals)
/// with bounded concurrency, sampling the server process every 2 % of the measured run. Fails when resident memory
/// keeps growing: the mean RSS of the last fifth of the samples more than <c>--max-rss-growth</c> (default 10 %) above
/// the mean of the first fifth (means, because the GC makes RSS a sawtooth), or a least-squares slope above
/// <c>--max-slope-mb</c> (default 10 MB per 1000 requests, i.e. a leak of 10 KB a request) in runs of at least 5000
/// measured requests.
/// </summary>
public static class SoakRun
{
    private const int Samples = 50;

    /// <summary>
    /// Below this many measured requests the RSS sawtooth of the GC (±20 MB on the tiny model) swings a least-squares
    /// fit by ±30 MB/1000 requests, so only the growth of the means is judged; the long soak applies the slope too.
    /// </summary>
    private const int SlopeMinimumRequests = 5000;

    public static async Task<int> RunAsync(Arguments args)
    {
        var url = args.LoopbackUrl();
        int pid = args.Int("pid", 0);
        int total = args.Int("requests", 10_000);
        int concurrency = args.Int("concurrency", 4);
        double maxGrowth = args.Double("max-rss-growth", 0.10);
        double maxSlope = args.Double("max-slope-mb", 10.0);
        int warmup = args.Int("warmup", 1500);
        int tokens = args.Int("max-new-tokens", 8);
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };

        var statuses = new int[600];
        var startRss = ProcessSample.Read(pid, 0).RssMb;
        await SendAsync(client, warmup, concurrency, tokens, (_, _) => { });
        var samples = new List<ProcessSample> { ProcessSample.Read(pid, 0) };
        Console.WriteLine(Invariant($"warm-up: {warmup} requests, RSS {startRss:F1} → {samples[0].RssMb:F1} MB"));
        int sampleEvery = Math.Max(1, total / Samples);
        await SendAsync(client, total, concurrency, tokens, (completed, status) =>
        {
            statuses[status]++;
            if (completed % sampleEvery == 0) samples.Add(ProcessSample.Read(pid, completed));
        });

        return Report(total, statuses, samples, maxGrowth, maxSlope);
    }

    /// <summary>Sends <paramref name="count"/> mixed requests, <paramref name="concurrency"/> at a time; reports each under a lock.</summary>
    private static async Task SendAsync(HttpClient client, int count, int concurrency, int tokens, Action<int, int> onAnswered)
    {
        int next = -1, completed = 0;
        var gate = new object();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var outcome = await Outcome.SendAsync(client, TaskRequests.Mixed(index, tokens));
                lock (gate) onAnswered(++completed, outcome.Status);
            }
        }));
    }

    private static int Report(int total, int[] statuses, List<ProcessSample> samples, double maxGrowth, double maxSlope)
    {
        var steady = samples;
        double slope = LeastSquares.Slope(steady.Select(s => (s.Completed / 1000.0, s.RssMb)).ToList());
        double threadSlope = LeastSquares.Slope(steady.Select(s => (s.Completed / 1000.0, (double)s.Threads)).ToList());
        double fdSlope = LeastSquares.Slope(steady.Select(s => (s.Completed / 1000.0, (double)s.Descriptors)).ToList());
        var (first, last) = (steady[0], steady[^1]);
        int fifth = Math.Max(1, steady.Count / 5);
        double early = steady.Take(fifth).Average(s => s.RssMb), late = steady.TakeLast(fifth).Average(s => s.RssMb);
        double growth = (late - early) / early;

        Console.WriteLine("statuses: " + string.Join(" ", statuses.Select((count, status) => (count, status)).Where(p => p.count > 0).Select(p => $"{p.status}={p.count}")));
        Console.WriteLine(Invariant($"rss MB: start {samples[0].RssMb:F1}, after warm-up {first.RssMb:F1}, end {last.RssMb:F1}, max {samples.Max(s => s.RssMb):F1}; mean of first fifth {early:F1}, of last fifth {late:F1}: growth {growth:P1}; slope {slope:F3} MB/1000 req"));
        Console.WriteLine(Invariant($"threads: {first.Threads} → {last.Threads} (slope {threadSlope:F2}/1000 req); fds: {first.Descriptors} → {last.Descriptors} (slope {fdSlope:F2}/1000 req)"));

        var violations = new List<string>();
        if (statuses[0] > 0) violations.Add($"{statuses[0]} requests got no response");
        int unexpected = statuses.Select((count, status) => status is 0 or 200 or 400 or 415 or 422 ? 0 : count).Sum();
        if (unexpected > 0) violations.Add($"{unexpected} answers with an unexpected status");
        if (growth > maxGrowth) violations.Add(Invariant($"RSS grew {growth:P1} after warm-up (bound {maxGrowth:P0})"));
        if (total < SlopeMinimumRequests)
            Console.WriteLine(Invariant($"slope bound not applied: {total} measured requests are fewer than {SlopeMinimumRequests}, where the GC sawtooth dominates a fit"));
        else if (slope > maxSlope) violations.Add(Invariant($"RSS slope {slope:F3} MB/1000 req (bound {maxSlope})"));
        if (last.Descriptors - first.Descriptors > 50) violations.Add($"open descriptors grew by {last.Descriptors - first.Descriptors}");

        foreach (string violation in violations) Console.WriteLine("VIOLATION: " + violation);
        Console.WriteLine(violations.Count == 0 ? "soak: PASS" : "soak: FAIL");
        return violations.Count == 0 ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
