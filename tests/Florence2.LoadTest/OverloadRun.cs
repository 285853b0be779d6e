using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Florence2.LoadTest;

/// <summary>
/// Measures capacity with a short closed loop, then offers <c>factor</c> × capacity open-loop for the run time and
/// checks the overload contract: excess refused with 503 + Retry-After, accepted requests within the queue deadline
/// plus the time a batch takes, every liveness poll answered within the probe timeout the deployment promises, and
/// exactly one response per request. Every bound comes from the product's own promises or from capacity measured in
/// the same run, so a machine three times slower or busier runs the same check; the latency percentiles (liveness
/// included) are reported, not gated.
/// </summary>
public static class OverloadRun
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var url = args.LoopbackUrl();
        int seconds = args.Int("seconds", 120);
        double factor = args.Double("factor", 3);
        int queueDeadlineMs = args.Int("queue-deadline-ms", 5_000);
        int probeTimeoutMs = args.Int("probe-timeout-ms", 3_000);   // deploy/k8s livenessProbe.timeoutSeconds
        int tokens = args.Int("max-new-tokens", 8);
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromMilliseconds(queueDeadlineMs * 4 + 60_000),
        };

        var (capacity, slowestMs) = await MeasureCapacityAsync(client, args.Int("probe-seconds", 5), args.Int("probe-concurrency", 4), tokens);
        double rate = factor * capacity;
        // An accepted request waits at most the queue deadline and then runs in a batch; a batch under overload takes
        // about what the slowest request of the closed loop took (same batch size), given a wide margin for the
        // client's own scheduling at factor × the rate.
        int deadlineMs = queueDeadlineMs + (int)Math.Max(queueDeadlineMs, 10 * slowestMs);
        Console.WriteLine(Invariant($"capacity ≈ {capacity:F1} req/s (slowest {slowestMs:F0} ms); offering {rate:F1} req/s for {seconds} s (accepted within {deadlineMs} ms; liveness within {probeTimeoutMs} ms)"));

        var probe = new LivenessProbe(url, TimeSpan.FromMilliseconds(probeTimeoutMs));
        probe.Start();
        var (sent, outcomes, finalRate) = await OfferAsync(client, rate, TimeSpan.FromSeconds(seconds), tokens);
        await probe.DisposeAsync();   // stops polling; the answers stay readable
        Console.WriteLine(Invariant($"offered {rate:F1} → {finalRate:F1} req/s"));

        return Report(sent, outcomes, probe.Answers, deadlineMs, probeTimeoutMs);
    }

    private static async Task<(double PerSecond, double SlowestMs)> MeasureCapacityAsync(HttpClient client, int seconds, int concurrency, int tokens)
    {
        var until = Stopwatch.StartNew();
        var answered = new ConcurrentBag<Outcome>();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (until.Elapsed.TotalSeconds < seconds)
                answered.Add(await Outcome.SendAsync(client, TaskRequests.Good(tokens)));
        }));
        var ok = answered.Where(o => o.Status == 200).ToList();
        if (ok.Count == 0) throw new InvalidOperationException("No request succeeded while measuring capacity; is the service ready?");
        return (ok.Count / until.Elapsed.TotalSeconds, ok.Max(o => o.Milliseconds));
    }

    /// <summary>How often the open loop checks that it overloads the service, and raises the rate when it does not.</summary>
    private static readonly TimeSpan RampCheck = TimeSpan.FromSeconds(5);

    // Open loop: requests leave on schedule whether or not earlier ones have been answered, as real clients do. The
    // capacity probe can misjudge a shared machine (measured while something else held the cores), so a check whose
    // point is "the excess is refused" doubles the rate every RampCheck until refusals appear.
    private static async Task<(int Sent, IReadOnlyList<Outcome> Outcomes, double FinalRate)> OfferAsync(HttpClient client, double rate,
        TimeSpan duration, int tokens)
    {
        var outcomes = new ConcurrentBag<Outcome>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        int sent = 0;
        double owed = 0;
        var last = TimeSpan.Zero;
        var nextCheck = RampCheck;
        while (clock.Elapsed < duration)
        {
            var now = clock.Elapsed;
            owed += (now - last).TotalSeconds * rate;
            last = now;
            for (; owed >= 1; owed--, sent++)
                inFlight.Add(Task.Run(async () => outcomes.Add(await Outcome.SendAsync(client, TaskRequests.Good(tokens)))));
            if (now >= nextCheck)
            {
                nextCheck += RampCheck;
                if (!outcomes.Any(o => o.Status == 503))
                {
                    rate *= 2;
                    Console.WriteLine(Invariant($"no refusal after {now.TotalSeconds:F0} s: raising the offered rate to {rate:F1} req/s"));
                }
            }
            await Task.Delay(5);
        }
        await Task.WhenAll(inFlight);
        return (sent, outcomes.ToArray(), rate);
    }

    private static int Report(int sent, IReadOnlyList<Outcome> outcomes, IReadOnlyList<Outcome> liveness, int deadlineMs, int probeTimeoutMs)
    {
        var violations = new List<string>();
        var accepted = outcomes.Where(o => o.Status == 200).Select(o => o.Milliseconds).ToList();
        var rejected = outcomes.Where(o => o.Status == 503).ToList();
        int timedOut = outcomes.Count(o => o.Status == 504);
        var lost = outcomes.Where(o => o.Status == 0).ToList();
        var unexpected = outcomes.Where(o => o.Status is not (0 or 200 or 503 or 504)).GroupBy(o => o.Status).ToList();
        var liveMs = liveness.Select(o => o.Milliseconds).ToList();

        Console.WriteLine($"sent={sent} answered={outcomes.Count - lost.Count} accepted={accepted.Count} rejected_503={rejected.Count} timed_out_504={timedOut} lost={lost.Count}");
        Console.WriteLine($"accepted latency: {Percentiles.Summary(accepted)}");
        Console.WriteLine($"rejected latency: {Percentiles.Summary(rejected.Select(o => o.Milliseconds).ToList())}");
        Console.WriteLine($"/health/live: {liveness.Count} polls, {Percentiles.Summary(liveMs)}");

        if (outcomes.Count != sent) violations.Add($"{sent} sent but {outcomes.Count} outcomes recorded");
        if (lost.Count > 0) violations.Add($"{lost.Count} requests got no response (first: {lost[0].Error})");
        foreach (var group in unexpected) violations.Add($"{group.Count()} answers with status {group.Key}");
        if (rejected.Count == 0) violations.Add("nothing was refused: the offered load did not overload the service");
        if (rejected.Any(o => !o.HasRetryAfter)) violations.Add($"{rejected.Count(o => !o.HasRetryAfter)} 503s without Retry-After");
        if (accepted.Count > 0 && accepted.Max() > deadlineMs) violations.Add(Invariant($"an accepted request took {accepted.Max():F0} ms (deadline {deadlineMs} ms)"));
        if (liveness.Count == 0) violations.Add("the liveness probe never polled");
        var failedLive = liveness.Where(o => o.Status != 200 || o.Milliseconds >= probeTimeoutMs).ToList();
        if (failedLive.Count > 0)
            violations.Add(Invariant($"{failedLive.Count} of {liveness.Count} liveness polls failed or took ≥ the {probeTimeoutMs} ms probe timeout (first: status {failedLive[0].Status} after {failedLive[0].Milliseconds:F0} ms {failedLive[0].Error})"));

        foreach (string violation in violations) Console.WriteLine("VIOLATION: " + violation);
        Console.WriteLine(violations.Count == 0 ? "overload: PASS" : "overload: FAIL");
        return violations.Count == 0 ? 0 : 1;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
