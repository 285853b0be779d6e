using Florence2.Tests.Deploy.Docker;
using Florence2.Tests.Deploy.Yaml;
using YamlDotNet.RepresentationModel;

namespace Florence2.Tests.Deploy.Compose;

/// <summary>docker-compose.yml runs the service safely: replicas behind nginx, observability, secrets from the environment.</summary>
public sealed class ComposeFileTests
{
    private const string File = ComposeFile.Path;
    private static ComposeFile Compose => ComposeFile.Instance;

    public static TheoryData<string> Targets => new() { "gpu", "cpu" };

    [Theory]
    [InlineData("nginx")]
    [InlineData("prometheus")]
    [InlineData("otel-collector")]
    public void Defines_the_supporting_service(string name) => Compose.Service(name);

    [Theory]
    [MemberData(nameof(Targets))]
    public void Has_a_service_variant_per_profile_built_from_the_matching_dockerfile_target(string target)
    {
        var (name, node) = Variant(target);
        Rule.Holds(node.Child("profiles").Strings().Contains(target), File, $"service {name} (target {target}) is in profile {target}");
        var dockerfile = DockerfileParser.Parse(RepositoryRoot.ReadText(DeployFiles.Dockerfile));
        Rule.Present(dockerfile.Stage(target), File, $"service {name}: build target {target} is a stage of {DeployFiles.Dockerfile}");
    }

    [Fact]
    public void Gpu_variant_reserves_an_nvidia_gpu()
    {
        var (name, node) = Variant("gpu");
        var devices = node.At("deploy", "resources", "reservations", "devices").Items();
        Rule.Holds(devices.Any(d => d.ScalarAt("driver") == "nvidia" && d.Child("capabilities").Strings().Contains("gpu")
                && (d.ScalarAt("count") is not null || d.Child("device_ids") is not null)),
            File, $"service {name}: deploy.resources.reservations.devices has {{driver: nvidia, count, capabilities: [gpu]}}");
    }

    [Fact]
    public void Cpu_variant_reserves_no_gpu()
    {
        var (name, node) = Variant("cpu");
        Rule.Holds(node.At("deploy", "resources", "reservations", "devices") is null, File,
            $"service {name}: the cpu variant runs anywhere, so it reserves no devices");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Variant_runs_several_replicas(string target)
    {
        var (name, node) = Variant(target);
        Rule.Holds(node.IntAt("deploy", "replicas") is >= 2, File, $"service {name}: deploy.replicas is at least 2 (behind the load balancer)");
    }

    [Fact]
    public void Variants_share_one_named_model_cache_volume()
    {
        var declared = Compose.Root.Child("volumes").Entries().Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (string target in new[] { "gpu", "cpu" })
        {
            var (name, node) = Variant(target);
            var cache = ComposeFile.Volumes(node).FirstOrDefault(v => v.Target == ServiceFacts.ModelCacheDir);
            Rule.Holds(cache.Type == "volume" && cache.Source.Length > 0, File,
                $"service {name}: a named volume is mounted at {ServiceFacts.ModelCacheDir}");
            Rule.Holds(declared.Contains(cache.Source), File, $"service {name}: volume {cache.Source} is declared under top-level volumes");
            sources.Add(cache.Source);
        }
        Rule.Holds(sources.Count == 1, File, "all variants share the same model cache volume", string.Join(", ", sources));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Variant_has_a_read_only_root_with_a_tmpfs_tmp(string target)
    {
        var (name, node) = Variant(target);
        Rule.Holds(node.IsTrue("read_only"), File, $"service {name}: read_only: true");
        bool tmpfs = node.Child("tmpfs").Strings().Any(t => t.Split(':')[0] == "/tmp")
            || ComposeFile.Volumes(node).Any(v => v.Type == "tmpfs" && v.Target == "/tmp");
        Rule.Holds(tmpfs, File, $"service {name}: /tmp is a tmpfs (the only scratch space of a read-only container)");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Variant_requires_the_api_key_from_the_environment(string target)
    {
        var (name, node) = Variant(target);
        var environment = ComposeFile.Environment(node);
        Rule.Holds(environment.TryGetValue(ServiceFacts.ApiKeyVariable, out string? key), File,
            $"service {name}: sets {ServiceFacts.ApiKeyVariable} (API keys on)");
        Rule.Holds(ComposeInterpolation.IsRequiredVariable(key!), File,
            $"service {name}: {ServiceFacts.ApiKeyVariable} is a required variable (${{VAR:?message}}), never a literal key", key);
    }

    [Fact]
    public void Secret_like_settings_are_never_literals()
    {
        foreach (var (service, node) in Compose.Services)
        {
            foreach (var (variable, value) in ComposeFile.Environment(node).Where(e => SecretLikeName.Matches(e.Key)))
            {
                Rule.Holds(value.Length == 0 || ComposeInterpolation.HasNoLiteralDefault(value), File,
                    $"service {service}: {variable} comes from a variable without a literal default", value);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Variant_has_a_healthcheck_on_a_health_endpoint(string target)
    {
        var (name, node) = Variant(target);
        var test = node.At("healthcheck", "test").Strings();
        Rule.Holds(test.Any(part => part.Contains("/health/", StringComparison.Ordinal)), File,
            $"service {name}: healthcheck.test probes /health/live or /health/ready", string.Join(' ', test));
        Rule.Holds(ComposeDuration.Parse(node.ScalarAt("healthcheck", "interval")) is not null, File, $"service {name}: healthcheck.interval is set");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Variant_stop_grace_period_outlasts_the_drain(string target)
    {
        var (name, node) = Variant(target);
        var grace = ComposeDuration.Parse(node.ScalarAt("stop_grace_period"));
        Rule.Holds(grace is not null, File, $"service {name}: stop_grace_period is set (Docker's default 10 s kills the drain)");
        int drain = ComposeFile.Environment(node).TryGetValue(ServiceFacts.DrainTimeoutVariable, out string? text) && int.TryParse(text, out int seconds)
            ? seconds
            : ServiceFacts.DefaultDrainTimeoutSeconds;
        Rule.Holds(grace > TimeSpan.FromSeconds(drain), File,
            $"service {name}: stop_grace_period ({grace}) exceeds the drain timeout ({drain} s)");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Variant_trusts_forwarded_headers_from_nginx_only(string target)
    {
        var (name, node) = Variant(target);
        string? proxy = ComposeFile.Environment(node).GetValueOrDefault(ServiceFacts.KnownProxyVariable);
        var nginxAddresses = Compose.Service("nginx").Child("networks").Entries()
            .Select(n => n.Value.ScalarAt("ipv4_address")).OfType<string>().ToList();
        Rule.Holds(nginxAddresses.Count > 0, File, "nginx has a fixed ipv4_address (so the service can trust exactly it)");
        Rule.Holds(proxy is not null && nginxAddresses.Contains(proxy), File,
            $"service {name}: {ServiceFacts.KnownProxyVariable} is nginx's address", $"{proxy ?? "unset"} vs {string.Join(", ", nginxAddresses)}");
    }

    [Fact]
    public void Nginx_mounts_the_repository_config_read_only()
    {
        var mounts = ComposeFile.Volumes(Compose.Service("nginx"));
        Rule.Holds(mounts.Any(m => m.Source.TrimStart('.', '/') == DeployFiles.NginxConfig && m.Target == "/etc/nginx/nginx.conf"),
            File, $"nginx mounts ./{DeployFiles.NginxConfig} at /etc/nginx/nginx.conf");
        Rule.Holds(Compose.Service("nginx").Child("volumes").Strings().Any(v => v.Contains("nginx.conf", StringComparison.Ordinal) && v.EndsWith(":ro", StringComparison.Ordinal)),
            File, "nginx's config mount is read-only (:ro)");
    }

    [Fact]
    public void Every_bind_mounted_file_exists_in_the_repository()
    {
        foreach (var (service, node) in Compose.Services)
        {
            foreach (var mount in ComposeFile.Volumes(node).Where(v => v.Type == "bind"))
            {
                string path = Path.Combine(RepositoryRoot.Path, mount.Source);
                Rule.Holds(System.IO.File.Exists(path) || Directory.Exists(path), File,
                    $"service {service}: bind mount source {mount.Source} exists");
            }
        }
    }

    [Fact]
    public void Otlp_endpoint_names_the_collector_service_and_its_grpc_port()
    {
        foreach (var (name, node) in Compose.VariantsByTarget.Values)
        {
            string? endpoint = ComposeFile.Environment(node).GetValueOrDefault(ServiceFacts.OtlpEndpointVariable);
            Rule.Holds(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri), File, $"service {name}: {ServiceFacts.OtlpEndpointVariable} is a URL", endpoint);
            Rule.Holds(Compose.Services.ContainsKey(uri!.Host), File, $"service {name}: the OTLP endpoint host is a compose service", uri.Host);
            string? grpc = YamlFiles.LoadMapping(DeployFiles.OtelCollectorConfig).ScalarAt("receivers", "otlp", "protocols", "grpc", "endpoint");
            Rule.Holds(grpc is not null && grpc.EndsWith(":" + uri.Port, StringComparison.Ordinal), File,
                $"service {name}: the OTLP endpoint port is the collector's gRPC receiver port ({DeployFiles.OtelCollectorConfig})", $"{uri.Port} vs {grpc}");
        }
    }

    [Fact]
    public void Every_interpolated_variable_is_documented_in_the_env_example()
    {
        var documented = RepositoryRoot.ReadText(DeployFiles.ComposeEnvExample).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..], StringComparer.Ordinal);
        var used = ComposeInterpolation.Variables(RepositoryRoot.ReadText(File)).ToHashSet(StringComparer.Ordinal);
        foreach (string variable in used)
            Rule.Holds(documented.ContainsKey(variable), File, $"variable {variable} is documented in {DeployFiles.ComposeEnvExample}");
        foreach (string variable in documented.Keys)
            Rule.Holds(used.Contains(variable), DeployFiles.ComposeEnvExample, $"variable {variable} is used by {File} (no stale entries)");
        foreach (var (variable, value) in documented.Where(d => SecretLikeName.Matches(d.Key)))
            Rule.Holds(value.Length == 0, DeployFiles.ComposeEnvExample, $"secret {variable} has no value in the example");
    }

    private static (string Name, YamlNode Node) Variant(string target) =>
        Compose.VariantsByTarget.TryGetValue(target, out var variant)
            ? variant
            : throw new Xunit.Sdk.XunitException(Rule.Message(File, $"has a service built with build.target: {target}", ""));
}
