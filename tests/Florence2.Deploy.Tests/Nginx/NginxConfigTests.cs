namespace Florence2.Tests.Deploy.Nginx;

/// <summary>nginx balances over the replicas and retries refused (503) requests on another one.</summary>
public sealed class NginxConfigTests
{
    private const string File = NginxConfig.Path;
    private static NginxConfig Nginx => NginxConfig.Instance;

    [Fact]
    public void Proxies_the_api_to_an_upstream_of_the_replicas()
    {
        var upstream = Rule.Present(Nginx.Upstreams.FirstOrDefault(), File, "defines an upstream block");
        Rule.Holds(upstream.Named("server").Any(), File, $"upstream {string.Join(' ', upstream.Arguments)} lists a server");
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        string? target = root.First("proxy_pass")?.Arguments.FirstOrDefault();
        Rule.Holds(target == $"http://{upstream.Arguments[0]}", File, "location / proxy_passes to the upstream", target ?? "no proxy_pass");
    }

    [Fact]
    public void Upstream_servers_that_resolve_have_a_resolver_and_a_zone()
    {
        foreach (var upstream in Nginx.Upstreams.Where(u => u.Named("server").Any(s => s.Arguments.Contains("resolve"))))
        {
            Rule.Holds(upstream.First("zone") is not null, File, $"upstream {upstream.Arguments[0]}: `resolve` needs a shared `zone`");
            Rule.Holds(Nginx.Http.First("resolver") is not null, File, "`resolve` needs a `resolver` in the http block");
        }
    }

    [Fact]
    public void Retries_refused_requests_including_posts_on_another_replica()
    {
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        var retry = Rule.Present(Nginx.EffectiveIn(root, "proxy_next_upstream"), File, "sets proxy_next_upstream");
        foreach (string condition in new[] { "error", "timeout", "http_503", "non_idempotent" })
            Rule.Holds(retry.Arguments.Contains(condition), File, $"proxy_next_upstream includes {condition}", retry.ToString());
        var tries = Rule.Present(Nginx.EffectiveIn(root, "proxy_next_upstream_tries"), File, "sets proxy_next_upstream_tries (bounded retries)");
        Rule.Holds(int.TryParse(tries.Arguments[0], out int count) && count >= 2, File, "proxy_next_upstream_tries is at least 2", tries.ToString());
        Rule.Holds(Nginx.EffectiveIn(root, "proxy_next_upstream_timeout") is not null, File,
            "sets proxy_next_upstream_timeout so requests that already ran a while are not retried");
        Rule.Holds(Nginx.EffectiveIn(root, "proxy_request_buffering")?.Arguments[0] != "off", File,
            "request buffering stays on (a body that was streamed cannot be retried)");
    }

    [Fact]
    public void Caps_the_body_at_the_service_limit()
    {
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        string? size = Nginx.EffectiveIn(root, "client_max_body_size")?.Arguments[0];
        Rule.Holds(size == ServiceFacts.MaxBodySize, File, $"client_max_body_size is {ServiceFacts.MaxBodySize} (the service's body limit)", size ?? "unset (nginx default 1m)");
    }

    [Fact]
    public void Forwards_the_client_address_and_scheme()
    {
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        var headers = new[] { Nginx.Http, Nginx.Server, root }.SelectMany(b => b.Named("proxy_set_header"))
            .ToDictionary(h => h.Arguments[0], h => h.Arguments.ElementAtOrDefault(1), StringComparer.OrdinalIgnoreCase);
        Rule.Holds(headers.GetValueOrDefault("X-Forwarded-For") == "$proxy_add_x_forwarded_for", File,
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for");
        Rule.Holds(headers.GetValueOrDefault("X-Forwarded-Proto") == "$scheme", File, "proxy_set_header X-Forwarded-Proto $scheme");
    }

    [Theory]
    [InlineData("proxy_connect_timeout")]
    [InlineData("proxy_read_timeout")]
    [InlineData("proxy_send_timeout")]
    public void Sets_an_explicit_proxy_timeout(string directive)
    {
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        Rule.Holds(Nginx.EffectiveIn(root, directive) is not null, File, $"sets {directive}");
    }

    [Fact]
    public void Answers_its_own_health_check_without_proxying()
    {
        var health = Rule.Present(Nginx.Location("=", "/nginx-health"), File, "has `location = /nginx-health`");
        Rule.Holds(health.First("return")?.Arguments.FirstOrDefault() == "200", File, "/nginx-health returns 200 itself");
        Rule.Holds(health.First("proxy_pass") is null, File, "/nginx-health is not proxied");
    }

    [Fact]
    public void Does_not_publish_the_replicas_metrics()
    {
        var metrics = Rule.Present(Nginx.Location("=", ServiceFacts.MetricsPath), File, $"has `location = {ServiceFacts.MetricsPath}` that blocks it");
        Rule.Holds(metrics.First("proxy_pass") is null && (metrics.First("return") is not null || metrics.First("deny") is not null), File,
            $"{ServiceFacts.MetricsPath} is answered by nginx (return/deny), not proxied to a replica");
    }
}
