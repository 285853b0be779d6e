namespace Florence2.Cluster.Tests;

/// <summary>Real nginx (Debian's) started in the foreground on a config the test rendered, in a work folder of its own.</summary>
internal static class NginxProcess
{
    public static ChildProcess Start(string work, string config)
    {
        string binary = new[] { "/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "nginx is not installed: the cluster tests run the deployed nginx config. Install it with 'apt-get install -y nginx' (.ci/run does).");
        string path = Path.Combine(work, "nginx.conf");
        File.WriteAllText(path, config);
        return new ChildProcess("nginx", binary, ["-p", work, "-c", path, "-g", $"daemon off; pid {Path.Combine(work, "nginx.pid")};"]);
    }
}
