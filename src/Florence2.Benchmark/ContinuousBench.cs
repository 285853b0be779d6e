using System.Text.Json;
using System.Text.Json.Nodes;

namespace Florence2.Benchmark;

/// <summary>
/// Issue 14's phase: the service with cohort batching versus continuous batching (<c>Florence2:Batching:Mode</c>),
/// under the same mixed traffic — half short <c>&lt;OD&gt;</c> requests, half long captions, every request decoding
/// exactly its <c>max_new_tokens</c> — first in a closed loop at <see cref="Clients"/> clients, then in an open loop of
/// Poisson arrivals at a share of the capacity cohort batching reached in that closed loop, the same rate for both.
/// </summary>
internal sealed class ContinuousBench(BenchOptions options, LoadGenerator load, HttpClient http, string logs)
{
    /// <summary>The client count the issue states its throughput target for (and the headline's name says).</summary>
    public const int Clients = 16;

    /// <summary>Seeds the open loop's arrival times and class order: both modes see the same traffic, run after run.</summary>
    public const int Seed = 14;

    private const string ModeVariable = "Florence2__Batching__Mode";
    private const string FinishFirstVariable = "Florence2__Batching__FinishFirst";

    /// <summary>The mixed traffic's short class: object detection, <c>MixedTokens[0]</c> new tokens.</summary>
    public TrafficClass Short { get; } = new("short", "v1/detect", "<OD>", options.MixedTokens[0]);

    /// <summary>The mixed traffic's long class: a caption, <c>MixedTokens[1]</c> new tokens.</summary>
    public TrafficClass Long { get; } = new("long", "v1/caption", "<CAPTION>", options.MixedTokens[1]);

    public async Task<ContinuousResult> RunAsync(string modelPath)
    {
        var traffic = new MixedLoad(load, Short, Long);
        // Both services stay up through the phase and take turns (see InTurnsAsync); the idle one costs memory only.
        await using var cohort = await StartAsync(modelPath, ContinuousResult.Cohort);
        await using var continuous = await StartAsync(modelPath, ContinuousResult.Continuous);
        // Optionally continuous batching once more without its finish-first rule, in the same turns: that rule's effect.
        await using var finishFirstOff = options.CompareFinishFirst
            ? await StartAsync(modelPath, ContinuousResult.Continuous, ContinuousResult.FinishFirstOff, (FinishFirstVariable, "false"))
            : null;
        List<(string Mode, ServiceProcess Service)> services = [(ContinuousResult.Cohort, cohort), (ContinuousResult.Continuous, continuous)];
        if (finishFirstOff is not null) services.Add((ContinuousResult.FinishFirstOff, finishFirstOff));

        var modes = new List<BatchingModeReport>();
        foreach (var (mode, service) in services)
        {
            string? reported = await ReportedBatchingModeAsync(service.BaseAddress);
            modes.Add(new BatchingModeReport(mode, reported));
            Console.WriteLine($"  {mode}: service pid {service.Pid}, reported batching.mode: {reported ?? "(not exposed)"}");
            await WarmUpAsync(service, traffic);
        }

        var runs = await InTurnsAsync("closed loop", services, traffic, MixedRun.Closed, Clients, null,
            async (service, _) => (await traffic.ClosedLoopAsync(service.BaseAddress, Clients, options.MixedRequestsPerClient), 0));
        double capacity = runs.First(r => r.Mode == ContinuousResult.Cohort).ThroughputRps;
        double? offered = double.IsFinite(capacity) && capacity > 0 ? options.OpenLoadFraction * capacity : null;
        if (offered is { } rate)
        {
            // The same arrivals for both modes within a round, new ones each round.
            runs.AddRange(await InTurnsAsync($"open loop at {rate:F2} requests/s", services, traffic, MixedRun.Open, 0, rate,
                (service, round) => traffic.OpenLoopAsync(service.BaseAddress, rate, options.OpenRequests, Seed + round)));
        }
        else
        {
            Console.WriteLine("  open loop skipped: the cohort closed loop measured no capacity");
        }
        Console.WriteLine("  mode       loop   reqs err | offered  sent | req/s  tok/s | short p50   p99 ms | long p50    p99 ms | batch(resp) batch(/metrics) joins | cpu ms/req");
        foreach (var run in runs) Print(run);
        return new ContinuousResult(Clients, options.MixedRounds, options.MixedRequestsPerClient, options.OpenRequests,
            options.OpenLoadFraction, offered, Seed, options.BatchSize, options.BatchDelayMs, modes, runs);
    }

    /// <summary>
    /// <see cref="BenchOptions.MixedRounds"/> rounds in each of which every mode runs one slice in turn (ABAB, not AA then
    /// BB), so a burst of other load on this shared machine falls on both modes; a mode's slices add up to its row.
    /// </summary>
    private async Task<List<MixedRun>> InTurnsAsync(string title, IReadOnlyList<(string Mode, ServiceProcess Service)> services,
        MixedLoad traffic, string loop, int clients, double? offeredRps,
        Func<ServiceProcess, int, Task<(List<ClassSample> Samples, double SendingSeconds)>> slice)
    {
        var tallies = services.Select(s => new MixedRunTally(s.Mode, loop, clients, offeredRps)).ToArray();
        for (int round = 0; round < options.MixedRounds; round++)
        {
            Console.WriteLine($"  {title}, round {round + 1}/{options.MixedRounds}");
            foreach (var (tally, service) in tallies.Zip(services.Select(s => s.Service)))
            {
                int thisRound = round;
                await tally.AddSliceAsync(service, http, () => slice(service, thisRound));
            }
        }
        return tallies.Select(t => t.ToRun(traffic.Short, traffic.Long)).ToList();
    }

    private Task<ServiceProcess> StartAsync(string modelPath, string mode, string? label = null, params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>(options.ServiceEnvironment) { [ModeVariable] = mode };
        foreach (var (name, value) in settings) environment[name] = value;
        string file = (label ?? mode).Replace(", ", "-").Replace(' ', '-');
        return ServiceProcess.StartAsync(modelPath, options.BatchSize, options.BatchDelayMs,
            Path.Combine(logs, $"service-{file}.log"), http, environment);
    }

    /// <summary>One request of each class alone, then one full batch, with few tokens (arenas, kernels, both task paths).</summary>
    private async Task WarmUpAsync(ServiceProcess service, MixedLoad traffic)
    {
        await load.SendAsync(service.BaseAddress, load.TaskBody(traffic.Short.Task, 4), traffic.Short.Route);
        await load.SendAsync(service.BaseAddress, load.TaskBody(traffic.Long.Task, 4), traffic.Long.Route);
        await load.RunAsync(service.BaseAddress, load.Body(4, 1), options.BatchSize, options.BatchSize);
    }

    /// <summary>The batching mode the service says it runs (<c>batching.mode</c> of <c>GET /v1/model</c>); null when it does not say.</summary>
    private async Task<string?> ReportedBatchingModeAsync(Uri baseAddress)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(baseAddress, "v1/model"));
            if (!response.IsSuccessStatusCode) return null;
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())?["batching"]?["mode"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException)
        {
            return null; // an older service without the endpoint: the phase still runs, the report says "not exposed"
        }
    }

    private static void Print(MixedRun r)
    {
        string offered = r.OfferedRps is { } o ? $"{o,7:F2} {r.SentRps ?? double.NaN,5:F2}" : $"{"c" + r.Clients,7} {"",5}";
        Console.WriteLine($"  {r.Mode,-10} {r.Loop,-6} {r.Requests,4} {r.Errors,3} | {offered} | {r.ThroughputRps,5:F2} {r.TokensPerSecond,6:F1} | " +
            $"{r.Short.P50Ms,9:F0} {r.Short.P99Ms,9:F0} | {r.Long.P50Ms,8:F0} {r.Long.P99Ms,9:F0} | {r.MeanBatchSize,11:F2} {r.MetricsMeanBatchSize,15:F2} {r.Joins,5:F0} | {r.ServiceCpuMsPerRequest,8:F0}");
        foreach (var c in new[] { r.Short, r.Long })
            if (c.Requests > c.Errors && Math.Abs(c.MeanGeneratedTokens - c.Tokens) > 0.01)
                Console.WriteLine($"    warning: {c.Class} requests decoded {c.MeanGeneratedTokens:F1} tokens on average, not {c.Tokens} (EOS not ignored?)");
    }
}
