using System.Globalization;

namespace Florence2.LoadTest;

/// <summary>
/// One reading of the server process from /proc (Linux): resident memory, OS threads and open descriptors. Read from
/// outside so the service needs no diagnostics endpoint; the managed heap is not visible this way (the service exports
/// only the Florence2 meter), which is why RSS is the leak signal.
/// </summary>
public readonly record struct ProcessSample(int Completed, double RssMb, int Threads, int Descriptors)
{
    public static ProcessSample Read(int pid, int completed)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        return new ProcessSample(
            completed,
            Field(status, "VmRSS:") / 1024.0,
            (int)Field(status, "Threads:"),
            Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
    }

    // "VmRSS:	  123456 kB" → 123456
    private static long Field(string[] lines, string name) =>
        long.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
}
