using Florence2.Service.Tests.Hardening.Fuzzing;
using SharpFuzz;

// florence2-fuzz — SharpFuzz harness for SafeImageDecoder + ImagePreprocessor.
//   seeds DIR     write the generated seed corpus into DIR
//   replay FILE…  run files through the target and report each outcome (reproduces AFL findings)
//   (no args)     AFL++ target: reads inputs from AFL's forkserver; any exception but ImageRejectedException is a crash
return args switch
{
    ["seeds", var directory] => WriteSeeds(directory),
    ["replay", .. var files] when files.Length > 0 => Replay(files),
    [] => Fuzz(),
    _ => Usage(),
};

static int WriteSeeds(string directory)
{
    Console.WriteLine($"wrote {SeedImages.WriteTo(directory)} seeds to {directory}");
    return 0;
}

static int Replay(string[] files)
{
    var target = new DecodePipelineTarget();
    int failures = 0;
    foreach (string file in files)
    {
        try
        {
            Console.WriteLine($"{file}: {(target.Run(File.ReadAllBytes(file)) ? "accepted" : "refused")}");
        }
        catch (Exception ex)
        {
            failures++;
            Console.WriteLine($"{file}: CRASH {ex}");
        }
    }
    return failures == 0 ? 0 : 1;
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
        (target ??= new DecodePipelineTarget()).Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Florence2.Fuzz [seeds DIR | replay FILE...]   (no arguments: run under afl-fuzz)");
    return 2;
}
