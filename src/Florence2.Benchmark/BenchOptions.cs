namespace Florence2.Benchmark;

/// <summary>What one benchmark run measures; <see cref="Quick"/> is a short smoke run of every phase.</summary>
internal sealed record BenchOptions
{
    public required string OutDirectory { get; init; }
    public required string CacheDirectory { get; init; }
    public bool Quick { get; init; }
    /// <summary>Redraw the report and charts from this results.json without measuring.</summary>
    public string? ReportOnly { get; init; }
    /// <summary>Phases to skip: engine, scores, service, memory, peer, dtypes, multitask, vision-cache, continuous.</summary>
    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();

    public int[] Tokens { get; init; } = [32, 128];
    public int[] Beams { get; init; } = [1, 3];
    public int[] Batches { get; init; } = [1, 2, 4, 8, 16];
    public int[] Concurrency { get; init; } = [1, 4, 16, 64];
    /// <summary>Engine repetitions per batch size (median reported): more where a batch is cheap.</summary>
    public Func<int, int> EngineRepeats { get; init; } = batch => batch <= 2 ? 3 : 1;
    /// <summary>HTTP requests per concurrency level: at least two per client, at least 8.</summary>
    public Func<int, int> RequestsPerLevel { get; init; } = c => Math.Max(8, c <= 16 ? 2 * c : c);
    /// <summary>Batching "on": the largest batch and how long the oldest request waits for company.</summary>
    public int BatchSize { get; init; } = 16;
    public int BatchDelayMs { get; init; } = 50;
    /// <summary>Service-overhead pairs (engine, then service, alternating) at concurrency 1.</summary>
    public int OverheadPairs { get; init; } = 10;
    public int MemoryRequests { get; init; } = 2000;
    public int MemoryWarmUpRequests { get; init; } = 200;
    public int MemoryConcurrency { get; init; } = 16;
    public int PeerRepeats { get; init; } = 5;
    /// <summary>Issue 16's dtype sweep: the weight variants, ours and transformers.js' at the same dtype.</summary>
    public string[] Dtypes { get; init; } = ["fp32", "fp16", "int8", "q4"];
    public int[] SweepClients { get; init; } = [1, 16];
    /// <summary>New tokens per sweep request (short: the sweep runs 4 dtypes × 2 sides × 2 client counts).</summary>
    public int SweepTokens { get; init; } = 16;
    /// <summary>Sweep requests per client count: one per client, at least 4.</summary>
    public Func<int, int> SweepRequests { get; init; } = c => Math.Max(4, c);
    /// <summary>New tokens per task of the multitask and vision-cache comparisons (short tasks: the vision pass matters).</summary>
    public int ShortTokens { get; init; } = 8;
    /// <summary>Alternating pairs of the multitask and vision-cache comparisons.</summary>
    public int Pairs { get; init; } = 6;
    /// <summary>Issue 14's mixed traffic: new tokens of a short (<c>&lt;OD&gt;</c>) and of a long (caption) request.</summary>
    public int[] MixedTokens { get; init; } = [40, 128];
    /// <summary>Rounds of the continuous phase: in each, both modes run a slice of the loop in turn (a busy machine hits both).</summary>
    public int MixedRounds { get; init; } = 2;
    /// <summary>Closed-loop requests per client, mode and round (16 clients; the base model does ≈ 1.2 requests/s there).</summary>
    public int MixedRequestsPerClient { get; init; } = 2;
    /// <summary>Open-loop requests per mode and round, and their offered rate as a share of cohort's closed-loop capacity.</summary>
    public int OpenRequests { get; init; } = 20;
    public double OpenLoadFraction { get; init; } = 0.7;
    /// <summary>Repetitions of the continuous phase's engine batches that give its ceiling (the quickest of each is kept).</summary>
    public int CeilingRepeats { get; init; } = 2;
    /// <summary>Runs a third service in the continuous phase: continuous batching with its finish-first rule off.</summary>
    public bool CompareFinishFirst { get; init; }
    /// <summary>Extra environment for every service child process (experiments: GC settings, thread counts).</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The decode-heavy setting the targets are stated for: the largest token count, greedy.</summary>
    public int MainTokens => Tokens.Max();

    public static BenchOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        bool quick = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "--quick") { quick = true; continue; }
            if (a is "--compare-finish-first") { map["compare-finish-first"] = "true"; continue; }
            if (a is "-h" or "--help") throw new UsageException();
            if (!a.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new UsageException($"unexpected argument '{a}'");
            map[a[2..]] = args[++i];
        }
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var options = new BenchOptions
        {
            OutDirectory = Path.GetFullPath(map.GetValueOrDefault("out") ?? Path.Combine(RepoPaths.Root, "docs", "benchmarks")),
            CacheDirectory = Path.GetFullPath(map.GetValueOrDefault("cache") ?? Path.Combine(home, ".cache", "florence2", "bench")),
            Quick = quick,
            ReportOnly = map.GetValueOrDefault("report-only"),
            Skip = (map.GetValueOrDefault("skip") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(StringComparer.OrdinalIgnoreCase),
        };
        if (quick)
        {
            options = options with
            {
                Tokens = [8, 16],
                Batches = [1, 2, 4],
                Concurrency = [1, 4],
                EngineRepeats = _ => 1,
                RequestsPerLevel = c => Math.Max(4, c),
                BatchSize = 4,
                OverheadPairs = 2,
                MemoryRequests = 200,
                MemoryWarmUpRequests = 40,
                MemoryConcurrency = 4,
                PeerRepeats = 2,
                Dtypes = ["fp32", "q4"],
                SweepClients = [1, 4],
                SweepTokens = 4,
                Pairs = 2,
                MixedTokens = [10, 32],
                MixedRounds = 1,
                MixedRequestsPerClient = 1,
                OpenRequests = 8,
                CeilingRepeats = 1,
            };
        }
        if (map.TryGetValue("tokens", out var t)) options = options with { Tokens = Ints(t) };
        if (map.TryGetValue("beams", out var b)) options = options with { Beams = Ints(b) };
        if (map.TryGetValue("batches", out var bs)) options = options with { Batches = Ints(bs) };
        if (map.TryGetValue("concurrency", out var c)) options = options with { Concurrency = Ints(c) };
        if (map.TryGetValue("batch-size", out var mb)) options = options with { BatchSize = int.Parse(mb) };
        if (map.TryGetValue("delay-ms", out var d)) options = options with { BatchDelayMs = int.Parse(d) };
        if (map.TryGetValue("memory-requests", out var m)) options = options with { MemoryRequests = int.Parse(m) };
        if (map.TryGetValue("peer-repeats", out var p)) options = options with { PeerRepeats = int.Parse(p) };
        if (map.TryGetValue("dtypes", out var dt))
            options = options with { Dtypes = dt.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        if (map.TryGetValue("sweep-clients", out var sc)) options = options with { SweepClients = Ints(sc) };
        if (map.TryGetValue("sweep-tokens", out var st)) options = options with { SweepTokens = int.Parse(st) };
        if (map.TryGetValue("short-tokens", out var sh)) options = options with { ShortTokens = int.Parse(sh) };
        if (map.TryGetValue("pairs", out var pr)) options = options with { Pairs = int.Parse(pr) };
        if (map.TryGetValue("mixed-tokens", out var mt)) options = options with { MixedTokens = Ints(mt) };
        if (options.MixedTokens.Length != 2) throw new UsageException("--mixed-tokens takes two counts: short,long");
        if (map.TryGetValue("mixed-rounds", out var mr)) options = options with { MixedRounds = int.Parse(mr) };
        if (map.TryGetValue("mixed-per-client", out var mp)) options = options with { MixedRequestsPerClient = int.Parse(mp) };
        if (map.TryGetValue("open-requests", out var or)) options = options with { OpenRequests = int.Parse(or) };
        if (map.ContainsKey("compare-finish-first")) options = options with { CompareFinishFirst = true };
        if (map.TryGetValue("ceiling-repeats", out var cr)) options = options with { CeilingRepeats = int.Parse(cr) };
        if (options.CeilingRepeats < 1) throw new UsageException("--ceiling-repeats takes a count of at least 1");
        if (map.TryGetValue("open-load", out var ol))
            options = options with { OpenLoadFraction = double.Parse(ol, System.Globalization.CultureInfo.InvariantCulture) };
        if (map.TryGetValue("service-env", out var se))
            options = options with
            {
                ServiceEnvironment = se.Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0].Trim(), kv => kv.Length > 1 ? kv[1] : ""),
            };
        return options;
    }

    private static int[] Ints(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();

    public const string Usage = """
        usage: dotnet run -c Release --project src/Florence2.Benchmark -- [--out DIR] [--quick] [options]
          --out DIR            charts + results.json go to DIR, the report to DIR.md (default docs/benchmarks)
          --cache DIR          where the base/tiny fixture models are written once (default ~/.cache/florence2/bench)
          --quick              short smoke run of every phase (small sizes; numbers not meaningful)
          --skip LIST          phases to skip: engine,scores,service,memory,peer,dtypes,multitask,vision-cache,continuous
          --tokens 32,128      decode steps per request (EOS ignored); the largest is the target setting
          --beams 1,3          beam counts for the engine phase
          --batches 1,2,4,8,16 engine batch sizes
          --concurrency 1,4,16,64   HTTP client concurrency levels
          --batch-size 16 --delay-ms 50   batching "on" (MaxBatchSize, MaxQueueDelayMs)
          --memory-requests 2000   requests of the RSS-growth run (tiny model)
          --peer-repeats 5     transformers.js requests (after one warm-up)
          --dtypes fp32,fp16,int8,q4   dtype sweep, ours and transformers.js' (base model with those variants)
          --sweep-clients 1,16 --sweep-tokens 16   dtype sweep client counts and new tokens per request
          --short-tokens 8 --pairs 6   multitask and vision-cache comparisons: tokens per task, alternating pairs
          --mixed-tokens 40,128 --mixed-rounds 2 --mixed-per-client 2   continuous phase: short (<OD>) and long
                               (caption) new tokens; rounds (both modes in turn); closed-loop requests per client
                               (16 clients), mode and round
          --open-requests 20 --open-load 0.7   continuous phase: open-loop requests per mode and round, offered rate
                               as a share of cohort batching's closed-loop requests/s
          --ceiling-repeats 2  continuous phase: repetitions of the engine batches its ceiling is computed from
          --compare-finish-first   continuous phase: a third service, continuous with Florence2:Batching:FinishFirst=false
          --report-only FILE   redraw DIR.md and the charts from a results.json (no measuring)
          --service-env "K=V;K2=V2"   extra environment for the service processes (experiments)
        or:  florence2-benchmark jpeg [--image FILE] [--repeats 15] [--save FILE]   JPEG decode alone: service vs ImageSharp
        """;
}

internal sealed class UsageException(string? message = null) : Exception(message);

/// <summary>Locations inside the repository (found from the working directory or the program's folder).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string ServiceDll
    {
        get
        {
            foreach (string config in new[] { "Release", "Debug" })
            {
                string path = Path.Combine(Root, "src", "Florence2.Service", "bin", config, "net10.0", "Florence2.Service.dll");
                if (File.Exists(path)) return path;
            }
            throw new FileNotFoundException("Florence2.Service.dll not found; build the solution (dotnet build -c Release).");
        }
    }

    public static string PeerDirectory => Path.Combine(Root, "src", "Florence2.Benchmark", "peer");

    private static string Find()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Florence2Service.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Run from inside the Florence2Service repository (Florence2Service.sln not found).");
    }
}
