using System.Text.RegularExpressions;

namespace Florence2.Cluster.Tests;

/// <summary>
/// The load balancer config from deploy/nginx/nginx.conf, rewritten only where the test environment differs:
/// every upstream's <c>server florence2:8080 …</c> becomes one server per loopback replica with the same parameters
/// (max_fails, fail_timeout…) less <c>resolve</c> (no Docker DNS here, and nginx 1.22 lacks it), the resolver goes,
/// and nginx listens on a loopback test port. Retry policy, failure accounting, timeouts and limits stay as deployed.
/// </summary>
internal static partial class NginxConfig
{
    public static string ForReplicas(string deployed, IReadOnlyList<int> replicaPorts, int listenPort)
    {
        int upstreams = UpstreamServer().Count(deployed);
        string config = UpstreamServer().Replace(deployed, match =>
        {
            string parameters = string.Join(' ', match.Groups["parameters"].Value
                .Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "resolve"));
            return string.Join("\n", replicaPorts.Select(p => $"{match.Groups["indent"].Value}server 127.0.0.1:{p} {parameters};"));
        });
        config = Resolver().Replace(config, "");
        config = Listen().Replace(config, $"listen 127.0.0.1:{listenPort};", 1);
        if (upstreams == 0 || !config.Contains($"127.0.0.1:{replicaPorts[0]}", StringComparison.Ordinal))
            throw new InvalidOperationException("deploy/nginx/nginx.conf no longer has the 'server florence2:8080 …' upstream lines the test rewrites.");
        return config;
    }

    [GeneratedRegex(@"^(?<indent>[ \t]*)server\s+florence2:8080(?<parameters>[^;]*);", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^\s*resolver\s[^;]*;", RegexOptions.Multiline)]
    private static partial Regex Resolver();

    [GeneratedRegex(@"listen\s+80;")]
    private static partial Regex Listen();
}
