using Florence2.Service.Tests.Hardening.Fuzzing;
using SharpFuzz;

// florence2-fuzz — SharpFuzz harness for SafeImageDecoder + ImagePreprocessor.
//   seeds DIR     write the generated seed corpus into DIR
//   replay [--hang-ms N] FILE…   run files through the target and report each outcome and time (reproduces AFL
//                 findings); with --hang-ms, exit 3 when a file takes N ms or more (a confirmed hang)
//   (no args)     AFL++ target: reads inputs from AFL's forkserver; any exception but ImageRejectedException is a crash
return args switch
{
    ["seeds", var directory] => WriteSeeds(directory),
    ["replay", "--hang-ms", var hangMs, .. var files] when files.Length > 0 => Replay(files, int.Parse(hangMs, System.Globalization.CultureInfo.InvariantCulture)),
    ["replay", .. var files] when files.Length > 0 => Replay(files, null),
    [] => Fuzz(),
    _ => Usage(),
};

static int WriteSeeds(string directory)
{
    Console.WriteLine($"wrote {SeedImages.WriteTo(directory)} seeds to {directory}");
    return 0;
}

static int Replay(string[] files, int? hangMs)
{
    var target = CreateTarget();
    int failures = 0, hangs = 0;
    foreach (string file in files)
    {
        byte[] bytes = File.ReadAllBytes(file);
        try
        {
            target.Run(bytes);   // once to JIT what this input reaches, so the timed run measures the decoder alone
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            bool accepted = target.Run(bytes);
            double ms = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            bool hang = ms >= hangMs;
            if (hang) hangs++;
            Console.WriteLine($"{file}: {(accepted ? "accepted" : "refused")} in {ms:F0} ms{(hang ? " HANG" : "")}");
        }
        catch (Exception ex)
        {
            failures++;
            Console.WriteLine($"{file}: CRASH {ex}");
        }
    }
    return failures > 0 ? 1 : hangs > 0 ? 3 : 0;
}

static int Fuzz()
{
    // Created on the first input: instrumented code may only run once SharpFuzz has attached AFL's coverage map.
    DecodePipelineTarget? target = null;
    // OutOfProcess: the target runs in a child process, so a StackOverflow or fail-fast is still reported as a crash.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        (target ??= CreateTarget()).Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

// Fuzzing runs with a 4 MP cap instead of the service's 40 MP: a legitimately large image (a 135-byte VP8 header
// declaring 2816x6399 decodes in ~1.5 s uninstrumented, over AFL's 5 s under instrumentation) is the cost the pixel
// cap allows, not a parser pathology; with the lower cap a hang means the decoder is stuck. Built on first use only:
// Florence2.Core is instrumented, and instrumented code must not run before SharpFuzz has attached AFL's map.
static DecodePipelineTarget CreateTarget() =>
    new(limits: new Florence2.Imaging.ImageDecodingOptions { MaxPixels = 4_000_000 });

static int Usage()
{
    Console.Error.WriteLine("usage: Florence2.Fuzz [seeds DIR | replay [--hang-ms N] FILE...]   (no arguments: run under afl-fuzz)");
    return 2;
}
