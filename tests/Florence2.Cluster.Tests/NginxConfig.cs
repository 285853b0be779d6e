using System.Text.RegularExpressions;

namespace Florence2.Cluster.Tests;

/// <summary>
/// The load balancer config from deploy/nginx/nginx.conf, rewritten only where the test environment differs:
/// the upstream servers become the test's loopback replicas (no Docker DNS, so no resolver/resolve), and nginx
/// listens on a loopback test port. Retry policy, timeouts and limits stay exactly as deployed.
/// </summary>
internal static partial class NginxConfig
{
    public static string ForReplicas(string deployed, IReadOnlyList<int> replicaPorts, int listenPort)
    {
        string servers = string.Join("\n", replicaPorts.Select(p => $"        server 127.0.0.1:{p} max_fails=0;"));
        string config = UpstreamServer().Replace(deployed, servers, 1);
        config = Resolver().Replace(config, "");
        config = Listen().Replace(config, $"listen 127.0.0.1:{listenPort};", 1);
        if (config == deployed || !config.Contains($"127.0.0.1:{replicaPorts[0]}", StringComparison.Ordinal))
            throw new InvalidOperationException("deploy/nginx/nginx.conf no longer has the 'server florence2:8080 …' upstream line the test rewrites.");
        return config;
    }

    [GeneratedRegex(@"^\s*server\s+florence2:8080[^;]*;", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^\s*resolver\s[^;]*;", RegexOptions.Multiline)]
    private static partial Regex Resolver();

    [GeneratedRegex(@"listen\s+80;")]
    private static partial Regex Listen();
}
