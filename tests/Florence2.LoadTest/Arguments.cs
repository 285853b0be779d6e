using System.Globalization;

namespace Florence2.LoadTest;

/// <summary><c>--name value</c> pairs after the command word.</summary>
public sealed class Arguments(string[] args)
{
    public string Text(string name, string? fallback = null)
    {
        int at = Array.IndexOf(args, "--" + name);
        if (at >= 0 && at + 1 < args.Length) return args[at + 1];
        return fallback ?? throw new ArgumentException($"--{name} is required");
    }

    public int Int(string name, int fallback) => int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public double Double(string name, double fallback) =>
        double.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    /// <summary>Only loopback: this tool must never load anything but a server started on this machine.</summary>
    public Uri LoopbackUrl()
    {
        var url = new Uri(Text("url"));
        if (!url.IsLoopback) throw new ArgumentException($"--url must be a loopback address; got {url}");
        return url;
    }
}
