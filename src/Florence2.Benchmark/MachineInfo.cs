using System.Globalization;
using System.Runtime.InteropServices;

namespace Florence2.Benchmark;

/// <summary>The machine the numbers were taken on, and how busy it was.</summary>
internal sealed record MachineInfo(string CpuModel, int LogicalCores, double MemoryGiB, string Os, string Runtime)
{
    public static MachineInfo Read()
    {
        string cpu = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim() ?? "unknown";
        string? mem = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        double gib = mem is null ? 0 : double.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024 / 1024;
        return new MachineInfo(cpu, Environment.ProcessorCount, Math.Round(gib, 1), RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The 1-, 5- and 15-minute load averages.</summary>
    public static double[] LoadAverage()
    {
        var parts = ReadLines("/proc/loadavg").FirstOrDefault()?.Split(' ') ?? [];
        return parts.Length >= 3 ? parts[..3].Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray() : [0, 0, 0];
    }

    /// <summary>VmRSS and VmHWM of a process in MiB, from /proc/PID/status.</summary>
    public static (double RssMiB, double PeakMiB) Memory(int pid)
    {
        double Field(string name)
        {
            string? line = ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal));
            return line is null ? double.NaN
                : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        return (Field("VmRSS"), Field("VmHWM"));
    }

    /// <summary>User + system CPU time of a process in milliseconds (from /proc/PID/stat; clock ticks of 10 ms).</summary>
    public static double CpuMs(int pid)
    {
        string? stat = ReadLines($"/proc/{pid}/stat").FirstOrDefault();
        if (stat is null) return double.NaN;
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) * 10;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}

/// <summary>Samples the 1-minute load average while a phase runs.</summary>
internal sealed class LoadSampler : IDisposable
{
    private readonly List<double> _samples = [];
    private readonly Timer _timer;

    public LoadSampler()
    {
        _timer = new Timer(_ => { lock (_samples) _samples.Add(MachineInfo.LoadAverage()[0]); }, null, 0, 5000);
    }

    public (double Min, double Mean, double Max) Summary()
    {
        lock (_samples)
            return _samples.Count == 0 ? (0, 0, 0) : (_samples.Min(), Math.Round(_samples.Average(), 2), _samples.Max());
    }

    public void Dispose() => _timer.Dispose();
}
