using System.Text.Json;

namespace Florence2.Benchmark;

/// <summary>
/// Issue 16's phases: every dtype side by side with transformers.js at the same dtype, several tasks in one
/// <c>/v1/analyze</c> call versus one call each, and a repeated image with the vision-feature cache on versus off.
/// </summary>
internal sealed class WorkOnceBench(BenchOptions options, LoadGenerator load, HttpClient http, string logs)
{
    /// <summary>The three short tasks of the multitask comparison: the analyze name and the single-task route.</summary>
    public static readonly (string Task, string Route)[] ShortTasks =
        [("caption", "v1/caption"), ("od", "v1/detect"), ("ocr", "v1/ocr")];

    private const string CacheSizeVariable = "Florence2__Cache__VisionFeaturesMb";

    /// <summary>Our service (batching on) and then the peer, per dtype, at each client count.</summary>
    public async Task<List<DtypeRow>> DtypeSweepAsync(string modelPath, string imagePath)
    {
        var rows = new List<DtypeRow>();
        int tokens = options.SweepTokens;
        foreach (string dtype in options.Dtypes)
        {
            var environment = With(options.ServiceEnvironment, ("Florence2__Model__Dtype", dtype));
            try
            {
                await using var service = await ServiceProcess.StartAsync(modelPath, options.BatchSize, options.BatchDelayMs,
                    Path.Combine(logs, $"service-{dtype}.log"), http, environment);
                string loaded = await load.ModelDtypeAsync(service.BaseAddress);
                if (loaded != dtype) throw new InvalidOperationException($"asked for dtype {dtype}, the service reports {loaded}");
                await load.SendAsync(service.BaseAddress, load.Body(4, 1));
                await load.RunAsync(service.BaseAddress, load.Body(4, 1), options.SweepClients.Max(), options.SweepClients.Max());
                byte[] body = load.Body(tokens, 1);
                foreach (int clients in options.SweepClients)
                {
                    var level = await load.MeasureLevelAsync(service, dtype, body, clients, options.SweepRequests(clients));
                    rows.Add(Print(new DtypeRow(dtype, DtypeRow.Ours, clients, level.Requests, level.Errors, level.P50Ms,
                        level.ThroughputRps, level.MeanGeneratedTokens)));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException)
            {
                rows.Add(Print(new DtypeRow(dtype, DtypeRow.Ours, 0, 0, 0, double.NaN, double.NaN, double.NaN, ex.Message)));
            }
            foreach (int clients in options.SweepClients)
            {
                try
                {
                    var peer = await PeerBench.RunAsync(modelPath, imagePath, tokens, options.SweepRequests(clients),
                        Path.Combine(logs, $"peer-{dtype}.log"), dtype, clients);
                    rows.Add(Print(new DtypeRow(dtype, DtypeRow.Peer, clients, peer.LatenciesMs.Length, 0, peer.MedianMs,
                        peer.ThroughputRps, peer.MeanGeneratedTokens)));
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException or IOException)
                {
                    rows.Add(Print(new DtypeRow(dtype, DtypeRow.Peer, clients, 0, 0, double.NaN, double.NaN, double.NaN, ex.Message)));
                }
            }
        }
        return rows;
    }

    /// <summary>Three short tasks on one image: three sequential single-task calls versus one analyze call (cache off).</summary>
    public async Task<PairedResult> MultitaskAsync(string modelPath)
    {
        int tokens = options.ShortTokens;
        var environment = With(options.ServiceEnvironment, (CacheSizeVariable, "0"));
        await using var service = await ServiceProcess.StartAsync(modelPath, Math.Max(options.BatchSize, ShortTasks.Length), 0,
            Path.Combine(logs, "service-multitask.log"), http, environment);
        var singles = ShortTasks.Select(t => (t.Route, Body: load.TaskBody(t.Task, tokens))).ToArray();
        byte[] analyze = load.AnalyzeBody(ShortTasks.Select(t => t.Task), tokens);
        return await PairedAsync($"{ShortTasks.Length} calls", async () =>
        {
            double total = 0;
            foreach (var (route, body) in singles) total += await load.PostAsync(service.BaseAddress, route, body);
            return total;
        }, "one /v1/analyze call", () => load.PostAsync(service.BaseAddress, "v1/analyze", analyze), tokens);
    }

    /// <summary>The same image captioned again and again by two services, the vision-feature cache off and on.</summary>
    public async Task<PairedResult> VisionCacheAsync(string modelPath)
    {
        int tokens = options.ShortTokens;
        await using var off = await ServiceProcess.StartAsync(modelPath, 1, 0, Path.Combine(logs, "service-cache-off.log"), http,
            With(options.ServiceEnvironment, (CacheSizeVariable, "0")));
        // The cache's documented default size unless the caller's --service-env sets one.
        await using var on = await ServiceProcess.StartAsync(modelPath, 1, 0, Path.Combine(logs, "service-cache-on.log"), http,
            options.ServiceEnvironment);
        byte[] body = load.Body(tokens, 1);
        return await PairedAsync("cache off", () => load.PostAsync(off.BaseAddress, "v1/caption", body),
            "cache on", () => load.PostAsync(on.BaseAddress, "v1/caption", body), tokens);
    }

    /// <summary>One warm-up each, then <see cref="BenchOptions.Pairs"/> alternating pairs; medians of the successes.</summary>
    private async Task<PairedResult> PairedAsync(string baseline, Func<Task<double>> baselineOnce, string feature,
        Func<Task<double>> featureOnce, int tokens)
    {
        await baselineOnce();
        await featureOnce();
        var baselineMs = new List<double>();
        var featureMs = new List<double>();
        for (int i = 0; i < options.Pairs; i++)
        {
            double b = await baselineOnce();
            double f = await featureOnce();
            if (double.IsFinite(b)) baselineMs.Add(b);
            if (double.IsFinite(f)) featureMs.Add(f);
            Console.WriteLine($"  pair {i + 1}: {baseline} {b:F0} ms, {feature} {f:F0} ms");
        }
        double bm = Stats.Median(baselineMs), fm = Stats.Median(featureMs);
        var result = new PairedResult(baseline, feature, options.Pairs, tokens, bm, fm, bm / fm, [.. baselineMs], [.. featureMs]);
        Console.WriteLine($"  median: {baseline} {bm:F0} ms, {feature} {fm:F0} ms → gain {result.Gain:F2}");
        return result;
    }

    private static DtypeRow Print(DtypeRow row)
    {
        Console.WriteLine(row.Error is { } error
            ? $"  {row.Dtype,-5} {row.Side,-16} failed: {error}"
            : $"  {row.Dtype,-5} {row.Side,-16} c{row.Clients,-3} {row.Requests,4} reqs {row.Errors} err | p50 {row.P50Ms,7:F0} ms | {row.ThroughputRps,6:F2} req/s | {row.MeanGeneratedTokens:F1} tokens");
        return row;
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> environment, (string Key, string Value) extra)
    {
        var copy = new Dictionary<string, string>(environment) { [extra.Key] = extra.Value };
        return copy;
    }
}
