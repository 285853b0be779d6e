using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Florence2.Benchmark;
using Florence2.Fixtures;

// florence2-benchmark — issue 6: engine, service over HTTP, service overhead, memory and a transformers.js peer,
// on one machine in one run. See docs/benchmarks.md for the last report and how to read it.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["jpeg", ..])
{
    return JpegDecodeBench.Run(args[1..]); // issue 15: JPEG decode speed, on its own
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is UsageException or FormatException)
{
    if (ex.Message.Length > 0 && ex is not UsageException { Message: "" }) Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// A level where every request failed has NaN percentiles: write and read them as "NaN" rather than fail the run.
var jsonOptions = new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
if (options.ReportOnly is { } saved)
{
    var loaded = JsonSerializer.Deserialize<BenchResults>(File.ReadAllText(saved), jsonOptions)
        ?? throw new InvalidDataException($"{saved} holds no results");
    Directory.CreateDirectory(options.OutDirectory);
    options = options with { Quick = loaded.Quick };
    Console.WriteLine($"wrote {Report.Write(loaded, options)}");
    Console.WriteLine(loaded.FinalLine);
    Console.WriteLine(loaded.WorkOnceLine);
    Console.WriteLine(loaded.ContinuousLine);
    return 0;
}

var total = Stopwatch.StartNew();
var results = new BenchResults
{
    Machine = MachineInfo.Read(),
    Started = DateTimeOffset.Now,
    Command = "dotnet run -c Release --project src/Florence2.Benchmark -- " + string.Join(' ', args),
    Quick = options.Quick,
    MainTokens = options.MainTokens,
    LoadAtStart = MachineInfo.LoadAverage(),
};
Directory.CreateDirectory(options.OutDirectory);
Directory.CreateDirectory(options.CacheDirectory);
string logs = Path.Combine(options.CacheDirectory, "logs");
Directory.CreateDirectory(logs);

var m = results.Machine;
Console.WriteLine($"machine: {m.CpuModel}, {m.LogicalCores} logical cores, {m.MemoryGiB} GiB; {m.Os}; {m.Runtime}");
Console.WriteLine($"load average at start: {string.Join(" ", results.LoadAtStart)}{(results.LoadAtStart[0] >= 1.5 ? "  (busy machine: expect noise)" : "")}");
int mainTokens = options.MainTokens;
var settings = results.Settings;
settings["tokens"] = string.Join(",", options.Tokens);
settings["beams"] = string.Join(",", options.Beams);
settings["engine batches"] = string.Join(",", options.Batches);
settings["engine repetitions per batch (median)"] = string.Join(", ", options.Batches.Select(b => $"b{b}: {options.EngineRepeats(b)}"));
settings["HTTP concurrency"] = string.Join(",", options.Concurrency);
settings["HTTP requests per level"] = string.Join(", ", options.Concurrency.Select(c => $"c{c}: {options.RequestsPerLevel(c)}"));
settings["HTTP work"] = $"POST /v1/caption (JSON, base64 640x480 JPEG), greedy, max_new_tokens={mainTokens}, EOS ignored (Florence2:Service:BenchmarkIgnoreEos)";
settings["batching off"] = "MaxBatchSize=1";
settings["batching on"] = $"MaxBatchSize={options.BatchSize}, MaxQueueDelayMs={options.BatchDelayMs}";
settings["overhead pairs"] = options.OverheadPairs.ToString(CultureInfo.InvariantCulture);
settings["memory run"] = $"tiny model, {options.MemoryWarmUpRequests} warm-up + {options.MemoryRequests} requests at concurrency {options.MemoryConcurrency}, batching on";
settings["peer"] = $"transformers.js 4.3.1, batch 1, greedy, {mainTokens} new tokens, 1 warm-up + {options.PeerRepeats} requests";
settings["dtype sweep"] = $"{string.Join(",", options.Dtypes)} at {string.Join(",", options.SweepClients)} clients, " +
    $"{options.SweepTokens} new tokens, POST /v1/caption, batching on (MaxBatchSize={options.BatchSize}); transformers.js: " +
    $"from_pretrained dtype, N concurrent generate() loops in one process; requests per count: " +
    string.Join(", ", options.SweepClients.Select(c => $"c{c}: {options.SweepRequests(c)}"));
settings["multitask"] = $"{string.Join(", ", WorkOnceBench.ShortTasks.Select(t => t.Task))}, {options.ShortTokens} new tokens each, greedy, " +
    $"one /v1/analyze call vs {WorkOnceBench.ShortTasks.Length} sequential calls, vision cache off, {options.Pairs} alternating pairs";
settings["vision cache"] = $"the same image captioned, {options.ShortTokens} new tokens, cache off (0 MB) vs on (default size), " +
    $"two services, {options.Pairs} alternating pairs";
settings["continuous"] = $"Florence2:Batching:Mode cohort vs continuous, batching on (MaxBatchSize={options.BatchSize}, " +
    $"MaxQueueDelayMs={options.BatchDelayMs}); mixed traffic, half <OD> on /v1/detect with {options.MixedTokens[0]} new tokens, " +
    $"half <CAPTION> on /v1/caption with {options.MixedTokens[1]}, greedy, EOS ignored; {options.MixedRounds} rounds, both modes in turn in each; " +
    $"per mode and round, closed loop: {ContinuousBench.Clients} clients × {options.MixedRequestsPerClient} requests, each client " +
    $"alternating short/long; open loop: {options.OpenRequests} Poisson arrivals (seed {ContinuousBench.Seed} + round, shuffled " +
    $"classes) at {options.OpenLoadFraction:0.##} × cohort's closed-loop requests/s";
if (options.ServiceEnvironment.Count > 0)
    settings["service environment"] = string.Join("; ", options.ServiceEnvironment.Select(kv => $"{kv.Key}={kv.Value}"));
foreach (var (k, v) in settings) Console.WriteLine($"  {k}: {v}");

// 1. Models, once, outside git.
var watch = Stopwatch.StartNew();
string basePath = FixtureModelCache.GetOrCreate(FixtureModelSpec.Base, options.CacheDirectory);
string tinyPath = FixtureModelCache.GetOrCreate(FixtureModelSpec.Tiny, options.CacheDirectory);
results.BaseModel = basePath;
results.TinyModel = tinyPath;
Console.WriteLine($"models: {basePath}, {tinyPath} ({watch.Elapsed.TotalSeconds:F1} s)");
byte[] jpeg = BenchImage.CreateJpeg();
string imagePath = Path.Combine(options.CacheDirectory, "bench-640x480.jpg");
File.WriteAllBytes(imagePath, jpeg);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
{
    Timeout = TimeSpan.FromMinutes(15),
};
var load = new LoadGenerator(http, jpeg);

async Task Phase(string name, Func<Task> body)
{
    if (options.Skip.Contains(name)) { Console.WriteLine($"\n== {name}: skipped"); return; }
    Console.WriteLine($"\n== {name} (load {MachineInfo.LoadAverage()[0]:F2})");
    using var sampler = new LoadSampler();
    var phaseWatch = Stopwatch.StartNew();
    await body();
    var (min, mean, max) = sampler.Summary();
    results.Load.Add(new PhaseLoad(name, min, mean, max, Math.Round(phaseWatch.Elapsed.TotalSeconds, 1)));
    Console.WriteLine($"   {name} took {phaseWatch.Elapsed.TotalSeconds:F0} s; 1-min load min/mean/max {min:F2}/{mean:F2}/{max:F2}");
}

using (var engine = new EngineBench(basePath, jpeg))
{
    // 2a. The engine alone.
    await Phase("engine", () =>
    {
        foreach (int beams in options.Beams)
            engine.Measure(1, 4, beams, 1); // warm-up per beam count: arenas, kernel choice
        Console.WriteLine("batch tokens beams reps |   wall ms | vision ms | encoder ms | dec ms/step | images/s | tokens/s");
        foreach (int beams in options.Beams)
            foreach (int tokens in options.Tokens)
                foreach (int batch in options.Batches)
                {
                    var row = engine.Measure(batch, tokens, beams, options.EngineRepeats(batch));
                    results.Engine.Add(row);
                    Console.WriteLine($"{row.Batch,5} {row.Tokens,6} {row.Beams,5} {row.Repeats,4} | {row.WallMs,9:F0} | {row.VisionMs,9:F0} | {row.EncoderMs,10:F0} | {row.DecoderMsPerStep,11:F2} | {row.ImagesPerSecond,8:F2} | {row.DecodeTokensPerSecond,8:F1}");
                }
        return Task.CompletedTask;
    });

    // 2a'. What confidence scores cost per decoder step (issue 12), next to the engine's own steps.
    await Phase("scores", () =>
    {
        var cost = ScoreCostBench.Measure(engine.Engine, options.Tokens.Max(), results.Engine);
        results.ScoreCost = cost;
        Console.WriteLine($"  greedy {cost.GreedyUsPerStep:F1} µs/step, beam-3 {cost.BeamUsPerStep:F2} µs/step, per request {cost.PerRequestUs:F0} µs " +
            $"({cost.Tokens} tokens); share of a decoder step: greedy {cost.GreedyPct:F3} %, beam {cost.BeamPct:F3} %");
        return Task.CompletedTask;
    });

    // 2b/2c. The service over HTTP, batching off then on; the overhead pairs with batching off.
    await Phase("service", async () =>
    {
        byte[] body = load.Body(mainTokens, 1);
        foreach (var (mode, maxBatch, delay) in new[] { ("off", 1, 0), ("on", options.BatchSize, options.BatchDelayMs) })
        {
            await using var service = await ServiceProcess.StartAsync(basePath, maxBatch, delay, Path.Combine(logs, $"service-{mode}.log"), http, options.ServiceEnvironment);
            results.ServiceMemory.Add(new ServiceMemorySample($"base, batching {mode}, started", service.Memory().RssMiB, service.Memory().PeakMiB));
            // Warm-up: one request alone, then (batching on) one full batch, with few tokens.
            await load.SendAsync(service.BaseAddress, load.Body(4, 1));
            if (maxBatch > 1) await load.RunAsync(service.BaseAddress, load.Body(4, 1), maxBatch, maxBatch);
            await load.SendAsync(service.BaseAddress, body);
            var warm = service.Memory();
            results.ServiceMemory.Add(new ServiceMemorySample($"base, batching {mode}, after warm-up", warm.RssMiB, warm.PeakMiB));
            Console.WriteLine($"batching {mode}: service pid {service.Pid}, RSS after warm-up {warm.RssMiB:F0} MiB");

            if (mode == "off" && !options.Skip.Contains("overhead"))
            {
                var engineMs = new List<double>();
                var prepareMs = new List<double>();
                var serviceMs = new List<double>();
                var engineCpu = new List<double>();
                var serviceCpu = new List<double>();
                engine.TimeSingleRequest(mainTokens, 1);
                for (int i = 0; i < options.OverheadPairs; i++)
                {
                    double cpu0 = MachineInfo.CpuMs(Environment.ProcessId);
                    var e = engine.TimeSingleRequest(mainTokens, 1);
                    engineCpu.Add(MachineInfo.CpuMs(Environment.ProcessId) - cpu0);
                    engineMs.Add(e.TotalMs);
                    prepareMs.Add(e.PrepareMs);
                    double scpu0 = MachineInfo.CpuMs(service.Pid);
                    var s = await load.SendAsync(service.BaseAddress, body);
                    serviceCpu.Add(MachineInfo.CpuMs(service.Pid) - scpu0);
                    if (s.Ok) serviceMs.Add(s.LatencyMs);
                    Console.WriteLine($"  pair {i + 1}: engine {e.TotalMs:F0} ms (prepare {e.PrepareMs:F1}), service {s.LatencyMs:F0} ms, {s.GeneratedTokens} tokens");
                }
                double em = Stats.Median(engineMs), sm = Stats.Median(serviceMs);
                results.Overhead = new OverheadResult(options.OverheadPairs, mainTokens, 1, em, Stats.Median(prepareMs), sm,
                    sm - em, (sm - em) / em * 100, [.. engineMs], [.. serviceMs], Stats.Median(engineCpu), Stats.Median(serviceCpu));
                results.OurEngineSingleRequestMs = em;
                Console.WriteLine($"  overhead: service {sm:F0} ms vs engine {em:F0} ms = {results.Overhead.OverheadPct:F2} %; CPU ms/request service {results.Overhead.ServiceCpuMedianMs:F0} vs engine {results.Overhead.EngineCpuMedianMs:F0}");
            }

            Console.WriteLine("mode  conc  reqs err |  wall s | req/s |  p50 ms |  p90 ms |  p99 ms | batch(resp) batch(/metrics) | tokens | cpu ms/req");
            foreach (int c in options.Concurrency)
            {
                var level = await load.MeasureLevelAsync(service, mode, body, c, options.RequestsPerLevel(c));
                results.Service.Add(level);
                Console.WriteLine($"{mode,-4} {c,5} {level.Requests,5} {level.Errors,3} | {level.WallSeconds,7:F1} | {level.ThroughputRps,5:F2} | {level.P50Ms,7:F0} | {level.P90Ms,7:F0} | {level.P99Ms,7:F0} | {level.MeanBatchSize,11:F2} {level.MetricsMeanBatchSize,15:F2} | {level.MeanGeneratedTokens,6:F1} | {level.ServiceCpuMsPerRequest,8:F0}");
            }
            var after = service.Memory();
            results.ServiceMemory.Add(new ServiceMemorySample($"base, batching {mode}, after the load levels", after.RssMiB, after.PeakMiB));
        }
        var c1 = results.Service.FirstOrDefault(l => l.Mode == "off" && l.Concurrency == 1);
        if (c1 is not null) results.OurSingleRequestMs = c1.P50Ms;
    });
}

// 2d. Memory growth over many requests (tiny model: the base model does ~1 request/s on 2 cores).
await Phase("memory", async () =>
{
    await using var service = await ServiceProcess.StartAsync(tinyPath, options.BatchSize, 5, Path.Combine(logs, "service-memory.log"), http, options.ServiceEnvironment);
    byte[] body = load.Body(mainTokens, 1);
    await load.RunAsync(service.BaseAddress, body, options.MemoryConcurrency, options.MemoryWarmUpRequests);
    var warm = service.Memory();
    Console.WriteLine($"tiny service pid {service.Pid}: RSS after {options.MemoryWarmUpRequests} warm-up requests {warm.RssMiB:F1} MiB");
    // In slices, sampling RSS after each, to show the trajectory (RSS of a GC'd, arena-allocating process wobbles).
    var samples = new List<RequestSample>(options.MemoryRequests);
    var trajectory = new List<double> { warm.RssMiB };
    int slices = 10;
    for (int i = 0; i < slices; i++)
    {
        int n = options.MemoryRequests / slices + (i < options.MemoryRequests % slices ? 1 : 0);
        samples.AddRange(await load.RunAsync(service.BaseAddress, body, options.MemoryConcurrency, n));
        trajectory.Add(Math.Round(service.Memory().RssMiB, 1));
    }
    Console.WriteLine($"  RSS every {options.MemoryRequests / slices} requests (MiB): {string.Join(" ", trajectory.Select(x => x.ToString("F0")))}");
    var after = service.Memory();
    int errors = samples.Count(s => !s.Ok);
    double growth = (after.RssMiB - warm.RssMiB) / warm.RssMiB * 100;
    results.Memory = new MemoryResult("tiny", options.MemoryWarmUpRequests, options.MemoryRequests, options.MemoryConcurrency, mainTokens,
        options.BatchSize, warm.RssMiB, after.RssMiB, after.PeakMiB, growth, errors,
        samples.Where(s => s.Ok).Select(s => (double)s.GeneratedTokens).DefaultIfEmpty(double.NaN).Average(), [.. trajectory]);
    Console.WriteLine($"after {options.MemoryRequests} more: RSS {after.RssMiB:F1} MiB (peak {after.PeakMiB:F1}) → growth {growth:F2} %, {errors} errors");
});

// 2e. transformers.js on the same model folder.
await Phase("peer", async () =>
{
    try
    {
        results.Peer = await PeerBench.RunAsync(basePath, imagePath, mainTokens, options.PeerRepeats, Path.Combine(logs, "peer.log"));
        Console.WriteLine($"transformers.js: median {results.Peer.MedianMs:F0} ms/request, {results.Peer.MeanGeneratedTokens:F1} tokens; load {results.Peer.LoadMs:F0} ms");
    }
    catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException or IOException)
    {
        results.PeerError = ex.Message;
        Console.WriteLine($"transformers.js peer failed: {ex.Message}");
    }
});

// 2f. Issue 16: dtypes side by side with transformers.js; several tasks in one call; the vision-feature cache.
var workOnce = new WorkOnceBench(options, load, http, logs);
await Phase("dtypes", async () =>
{
    var spec = FixtureModelSpec.Base with { Variants = [.. options.Dtypes.Where(d => d != "fp32")] };
    var modelWatch = Stopwatch.StartNew();
    results.SweepModel = FixtureModelCache.GetOrCreate(spec, options.CacheDirectory);
    Console.WriteLine($"sweep model: {results.SweepModel} ({modelWatch.Elapsed.TotalSeconds:F1} s)");
    results.DtypeSweep = await workOnce.DtypeSweepAsync(results.SweepModel, imagePath);
});
await Phase("multitask", async () => results.Multitask = await workOnce.MultitaskAsync(basePath));
await Phase("vision-cache", async () => results.VisionCache = await workOnce.VisionCacheAsync(basePath));

// 2g. Issue 14: cohort versus continuous batching, mixed short and long requests, closed and open loop.
// Then, in this process with the services stopped, the engine's own cost of that traffic: the gains' ceiling.
await Phase("continuous", async () =>
{
    var bench = new ContinuousBench(options, load, http, logs);
    var mixed = await bench.RunAsync(basePath);
    using var engine = new EngineBench(basePath, jpeg);
    results.Continuous = mixed with { Ceiling = ContinuousCeilingBench.Measure(engine, bench.Short, bench.Long, mixed, options.CeilingRepeats) };
});

results.LoadAtEnd = MachineInfo.LoadAverage();
results.DurationSeconds = Math.Round(total.Elapsed.TotalSeconds, 1);
string resultsPath = Path.Combine(options.OutDirectory, "results.json");
File.WriteAllText(resultsPath, JsonSerializer.Serialize(results, jsonOptions));
string report = Report.Write(results, options);
Console.WriteLine();
Console.WriteLine(Report.SummaryTable(results));
Console.WriteLine($"wrote {report}, {resultsPath} and charts; total {results.DurationSeconds:F0} s; load at end {string.Join(" ", results.LoadAtEnd)}");
Console.WriteLine(results.FinalLine);
Console.WriteLine(results.WorkOnceLine);
Console.WriteLine(results.ContinuousLine);
Console.WriteLine(results.ContinuousCeilingLine);
return 0;
