using Florence2.LoadTest;

// florence2-loadtest — drives a Florence2 service already running on loopback; starts nothing itself.
//   overload --url URL [--seconds 120] [--factor 3] [--queue-deadline-ms 5000] [--probe-timeout-ms 3000] [--max-new-tokens 8] [--probe-seconds 5]
//   soak     --url URL --pid PID [--requests 10000] [--concurrency 4] [--max-rss-growth 0.10] [--max-slope-mb 2]
var commands = new Dictionary<string, Func<Arguments, Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["overload"] = OverloadRun.RunAsync,
    ["soak"] = SoakRun.RunAsync,
};
if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: Florence2.LoadTest overload|soak --url http://127.0.0.1:PORT [options] (see Program.cs)");
    return 2;
}
return await command(new Arguments(args[1..]));
