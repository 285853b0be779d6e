namespace Florence2.Tests.Deploy.Nginx;

/// <summary>nginx balances over the replicas, leaves out one that is gone, and retries refused (503) requests on another one.</summary>
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
    public void Retries_failed_connections_and_refused_requests_including_posts_on_another_replica()
    {
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        var retry = Rule.Present(Nginx.EffectiveIn(root, "proxy_next_upstream"), File, "sets proxy_next_upstream");
        foreach (string condition in new[] { "error", "timeout", "non_idempotent" })
            Rule.Holds(retry.Arguments.Contains(condition), File, $"location /: proxy_next_upstream includes {condition}", retry.ToString());
        // A 503 is retried either in location / itself or in the location its error_page sends it to.
        var refused = RetryLocationFor(root, "503") ?? root;
        var refusedRetry = Rule.Present(Nginx.EffectiveIn(refused, "proxy_next_upstream"), File, "the 503 retry sets proxy_next_upstream");
        foreach (string condition in new[] { "http_503", "non_idempotent" })
            Rule.Holds(refusedRetry.Arguments.Contains(condition), File, $"503s are retried on another replica: proxy_next_upstream includes {condition}", refusedRetry.ToString());
        foreach (var location in new[] { root, refused })
        {
            var tries = Rule.Present(Nginx.EffectiveIn(location, "proxy_next_upstream_tries"), File, "sets proxy_next_upstream_tries (bounded retries)");
            Rule.Holds(int.TryParse(tries.Arguments[0], out int count) && count >= 2, File, "proxy_next_upstream_tries is at least 2", tries.ToString());
            Rule.Holds(Nginx.EffectiveIn(location, "proxy_next_upstream_timeout") is not null, File,
                "sets proxy_next_upstream_timeout so requests that already ran a while are not retried");
            Rule.Holds(Nginx.EffectiveIn(location, "proxy_request_buffering")?.Arguments[0] != "off", File,
                "request buffering stays on (a body that was streamed cannot be retried)");
        }
    }

    /// <summary>
    /// nginx counts every proxy_next_upstream case against max_fails, http_503 included: a group that retries 503s
    /// must never eject, or busy and draining replicas would be taken out and overload would become "no live upstreams".
    /// </summary>
    [Fact]
    public void A_busy_or_draining_replica_is_never_ejected()
    {
        foreach (var location in ProxyingLocations())
        {
            var retry = Nginx.EffectiveIn(location, "proxy_next_upstream");
            if (retry is null || !retry.Arguments.Contains("http_503")) continue;
            foreach (var server in UpstreamOf(location).Named("server"))
            {
                Rule.Holds(MaxFails(server) == 0, File,
                    $"location {string.Join(' ', location.Arguments)} retries 503s, so its upstream's servers need max_fails=0", server.ToString());
            }
        }
    }

    /// <summary>A stopped replica must cost a few retries, not one per request: the first attempt's group leaves it out.</summary>
    [Fact]
    public void A_replica_whose_connections_fail_is_left_out_for_a_while()
    {
        var root = Rule.Present(Nginx.Location("/"), File, "has a `location /`");
        foreach (var server in UpstreamOf(root).Named("server"))
        {
            Rule.Holds(MaxFails(server) >= 1, File, "location /'s upstream servers have max_fails >= 1 (a failed connection counts)", server.ToString());
            Rule.Holds(server.Arguments.Any(a => a.StartsWith("fail_timeout=", StringComparison.Ordinal)), File,
                "location /'s upstream servers set fail_timeout (how long a replica is left out)", server.ToString());
        }
        var retry = Rule.Present(Nginx.EffectiveIn(root, "proxy_next_upstream"), File, "sets proxy_next_upstream");
        Rule.Holds(!retry.Arguments.Any(a => a.StartsWith("http_", StringComparison.Ordinal)), File,
            "location / retries only failed connections (error/timeout): any http_* case would count against the ejecting group", retry.ToString());
        Rule.Holds(RetryLocationFor(root, "502") is not null, File,
            "location / sends 502 (no live replica in the first group) to the retry location, so an all-ejected group still serves");
    }

    private IEnumerable<NginxDirective> ProxyingLocations() =>
        Nginx.Server.Named("location").Where(l => l.First("proxy_pass") is not null);

    private NginxDirective UpstreamOf(NginxDirective location)
    {
        string target = Rule.Present(location.First("proxy_pass"), File, $"location {string.Join(' ', location.Arguments)} proxy_passes").Arguments[0];
        return Rule.Present(Nginx.Upstreams.FirstOrDefault(u => $"http://{u.Arguments[0]}" == target), File,
            $"location {string.Join(' ', location.Arguments)} proxy_passes to an upstream block", target);
    }

    /// <summary>The named location that <c>error_page … STATUS = @name</c> in this location sends the request to.</summary>
    private NginxDirective? RetryLocationFor(NginxDirective location, string status)
    {
        var errorPage = location.Named("error_page").FirstOrDefault(e => e.Arguments.Contains(status));
        string? target = errorPage?.Arguments[^1];
        if (target is null || !target.StartsWith('@')) return null;
        Rule.Holds(NginxDirective.Effective([Nginx.Http, Nginx.Server, location], "proxy_intercept_errors")?.Arguments[0] == "on"
            || status == "502", File, $"error_page {status} on a proxied response needs proxy_intercept_errors on", errorPage!.ToString());
        return Rule.Present(Nginx.Location(target), File, $"has the location {target} that error_page sends {status} to");
    }

    private static int MaxFails(NginxDirective server)
    {
        string? value = server.Arguments.FirstOrDefault(a => a.StartsWith("max_fails=", StringComparison.Ordinal));
        return value is null ? 1 : int.Parse(value["max_fails=".Length..], System.Globalization.CultureInfo.InvariantCulture);   // nginx's default is 1
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
