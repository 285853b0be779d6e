using System.Globalization;
using Florence2.Tests.Deploy.Yaml;

namespace Florence2.Tests.Deploy.Kubernetes;

/// <summary>The Deployment's pods start, serve, drain and run safely.</summary>
public sealed class DeploymentTests
{
    private static PodTemplate Pod => PodTemplate.Instance;

    [Theory]
    [InlineData("startupProbe", ServiceFacts.LivePath)]
    [InlineData("readinessProbe", ServiceFacts.ReadyPath)]
    [InlineData("livenessProbe", ServiceFacts.LivePath)]
    public void Probe_hits_the_right_health_endpoint(string probe, string path)
    {
        var get = Rule.Present(Pod.Container.At(probe, "httpGet"), Pod.File, $"the container has an httpGet {probe}");
        Rule.Holds(get.ScalarAt("path") == path, Pod.File, $"{probe} probes {path}", get.ScalarAt("path"));
        Rule.Holds(Pod.ResolvePort(get.ScalarAt("port")) == ServiceFacts.Port, Pod.File, $"{probe} probes port {ServiceFacts.Port}", get.ScalarAt("port"));
    }

    [Fact]
    public void Startup_probe_allows_minutes_for_the_first_model_download()
    {
        var probe = Pod.Container.Child("startupProbe");
        int period = probe.IntAt("periodSeconds") ?? 10;
        int failures = probe.IntAt("failureThreshold") ?? 3;
        Rule.Holds(period * failures >= 300, Pod.File, "startupProbe failureThreshold x periodSeconds is at least 300 s", $"{failures} x {period} s");
    }

    [Fact]
    public void Pre_stop_sleep_and_drain_fit_in_the_termination_grace_period()
    {
        int? sleep = Pod.PreStopSleepSeconds();
        Rule.Holds(sleep is > 0, Pod.File, "lifecycle.preStop sleeps (exec sleep N or sleep.seconds) so endpoints are removed before SIGTERM");
        int grace = Pod.Spec.IntAt("terminationGracePeriodSeconds") ?? 30;
        int drain = DrainTimeoutSeconds();
        Rule.Holds(grace > sleep + drain, Pod.File,
            $"terminationGracePeriodSeconds ({grace}) exceeds preStop sleep ({sleep}) + drain timeout ({drain})");
    }

    [Fact]
    public void Requests_one_gpu_in_limits()
    {
        var limits = Pod.Container.At("resources", "limits").ScalarMap();
        var requests = Pod.Container.At("resources", "requests").ScalarMap();
        Rule.Holds(limits.TryGetValue("nvidia.com/gpu", out string? gpus) && int.TryParse(gpus, out int count) && count >= 1, Pod.File,
            "resources.limits has nvidia.com/gpu >= 1");
        Rule.Holds(!requests.TryGetValue("nvidia.com/gpu", out string? requested) || requested == gpus, Pod.File,
            "a GPU request, if any, equals the limit (Kubernetes rejects anything else)");
    }

    [Theory]
    [InlineData("requests", "cpu")]
    [InlineData("requests", "memory")]
    [InlineData("limits", "cpu")]
    [InlineData("limits", "memory")]
    public void Sets_cpu_and_memory_requests_and_limits(string section, string resource) =>
        Rule.Holds(Pod.Container.ScalarAt("resources", section, resource) is not null, Pod.File, $"resources.{section}.{resource} is set");

    [Fact]
    public void Memory_request_does_not_exceed_the_limit()
    {
        long request = Quantity(Pod.Container.ScalarAt("resources", "requests", "memory"));
        long limit = Quantity(Pod.Container.ScalarAt("resources", "limits", "memory"));
        Rule.Holds(request <= limit, Pod.File, "memory request <= memory limit", $"{request} > {limit}");
    }

    [Fact]
    public void Runs_as_non_root_with_a_read_only_root_and_no_privileges()
    {
        Rule.Holds(Pod.Security("runAsNonRoot") == "true", Pod.File, "securityContext.runAsNonRoot: true");
        Rule.Holds(Pod.Security("runAsUser") is null or not "0", Pod.File, "securityContext.runAsUser is not 0");
        Rule.Holds(Pod.Container.ScalarAt("securityContext", "readOnlyRootFilesystem") == "true", Pod.File, "container readOnlyRootFilesystem: true");
        Rule.Holds(Pod.Container.ScalarAt("securityContext", "allowPrivilegeEscalation") == "false", Pod.File, "container allowPrivilegeEscalation: false");
        Rule.Holds(Pod.Container.At("securityContext", "capabilities", "drop").Strings().Contains("ALL"), Pod.File, "container capabilities drop ALL");
    }

    [Fact]
    public void Tmp_is_a_writable_empty_dir()
    {
        var mount = Rule.Present(Pod.MountAt("/tmp"), Pod.File, "mounts a volume at /tmp (the read-only root's scratch space)");
        var volume = Pod.Volume(mount.ScalarAt("name") ?? "");
        Rule.Holds(volume.Child("emptyDir") is not null, Pod.File, "/tmp is an emptyDir");
    }

    [Fact]
    public void Model_cache_mount_matches_the_configured_cache_dir()
    {
        string cacheDir = ConfigMapData().GetValueOrDefault(ServiceFacts.CacheDirVariable) ?? ServiceFacts.ModelCacheDir;
        var mount = Rule.Present(Pod.MountAt(cacheDir), Pod.File, $"mounts the model cache at {cacheDir} ({ServiceFacts.CacheDirVariable})");
        var volume = Pod.Volume(mount.ScalarAt("name") ?? "");
        Rule.Holds(volume.Child("persistentVolumeClaim") is not null, Pod.File, "the model cache is a PersistentVolumeClaim");
    }

    [Fact]
    public void Takes_options_from_the_config_map_and_the_api_key_from_a_secret()
    {
        var configMaps = KubernetesManifests.OfKind("ConfigMap").Select(m => m.Name).ToHashSet();
        var referenced = Pod.Container.Child("envFrom").Items().Select(e => e.ScalarAt("configMapRef", "name")).OfType<string>().ToList();
        Rule.Holds(referenced.Count > 0 && referenced.All(configMaps.Contains), Pod.File, "envFrom references the ConfigMap in deploy/k8s", string.Join(", ", referenced));

        var apiKey = Pod.Container.Child("env").Items().FirstOrDefault(e => e.ScalarAt("name") == ServiceFacts.ApiKeyVariable);
        var reference = Rule.Present(apiKey.At("valueFrom", "secretKeyRef"), Pod.File, $"{ServiceFacts.ApiKeyVariable} comes from a secretKeyRef");
        Rule.Holds(!reference.IsTrue("optional"), Pod.File, "the API key reference is not optional (no key, no pod: never an open API)");
    }

    [Fact]
    public void Secret_references_match_a_secret_shape_in_the_repository()
    {
        var secrets = KubernetesManifests.OfKind("Secret").ToDictionary(s => s.Name ?? "", s => s.Root.Child("stringData").ScalarMap().Keys.ToHashSet());
        foreach (var env in Pod.Container.Child("env").Items())
        {
            var reference = env.At("valueFrom", "secretKeyRef");
            if (reference is null)
                continue;
            string name = reference.ScalarAt("name") ?? "";
            string key = reference.ScalarAt("key") ?? "";
            Rule.Holds(secrets.TryGetValue(name, out var keys) && keys.Contains(key), Pod.File,
                $"secretKeyRef {name}/{key} is documented by a Secret manifest (deploy/k8s/examples)");
        }
    }

    [Fact]
    public void Secret_like_variables_never_have_literal_values()
    {
        foreach (var env in Pod.Container.Child("env").Items())
        {
            string name = env.ScalarAt("name") ?? "";
            Rule.Holds(!(SecretLikeName.Matches(name) && env.Child("value") is not null), Pod.File, $"{name} comes from a Secret, not a literal value");
        }
    }

    [Fact]
    public void Image_is_pinned_to_a_tag()
    {
        string image = Pod.Container.ScalarAt("image") ?? "";
        string lastSegment = image[(image.LastIndexOf('/') + 1)..];
        Rule.Holds(lastSegment.Contains(':') || image.Contains('@'), Pod.File, "the image has a tag or digest", image);
        Rule.Holds(!image.EndsWith(":latest", StringComparison.Ordinal), Pod.File, "the image is not :latest (rollouts must be reproducible)", image);
    }

    [Fact]
    public void Selector_matches_the_pod_labels()
    {
        var selector = Pod.Deployment.Root.At("spec", "selector", "matchLabels").ScalarMap();
        Rule.Holds(selector.Count > 0 && selector.All(s => Pod.Labels.GetValueOrDefault(s.Key) == s.Value), Pod.File,
            "spec.selector.matchLabels matches the pod template labels");
    }

    private static IReadOnlyDictionary<string, string> ConfigMapData() =>
        KubernetesManifests.OfKind("ConfigMap").SelectMany(m => m.Root.Child("data").ScalarMap())
            .GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);

    private static int DrainTimeoutSeconds() =>
        int.TryParse(ConfigMapData().GetValueOrDefault(ServiceFacts.DrainTimeoutVariable), out int seconds)
            ? seconds
            : ServiceFacts.DefaultDrainTimeoutSeconds;

    /// <summary>Bytes of a Kubernetes quantity such as 512Mi, 8Gi, 1G, 1000000.</summary>
    private static long Quantity(string? text)
    {
        Assert.False(string.IsNullOrEmpty(text), Rule.Message(Pod.File, "memory quantities are set", ""));
        (string Suffix, long Factor)[] units = [("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40), ("k", 1000), ("M", 1_000_000), ("G", 1_000_000_000), ("T", 1_000_000_000_000)];
        foreach (var (suffix, factor) in units)
        {
            if (text!.EndsWith(suffix, StringComparison.Ordinal))
                return (long)(double.Parse(text[..^suffix.Length], CultureInfo.InvariantCulture) * factor);
        }
        return long.Parse(text!, CultureInfo.InvariantCulture);
    }
}
