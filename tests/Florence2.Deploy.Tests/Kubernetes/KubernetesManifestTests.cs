using Florence2.Tests.Deploy.Yaml;

namespace Florence2.Tests.Deploy.Kubernetes;

/// <summary>The set of manifests is complete and well formed; the non-Deployment objects are wired to the Deployment.</summary>
public sealed class KubernetesManifestTests
{
    private const string Namespace = "florence2";

    [Fact]
    public void Every_document_has_apiVersion_kind_and_a_name()
    {
        Rule.Holds(KubernetesManifests.All.Count > 0, DeployFiles.KubernetesFolder, "holds manifests");
        foreach (var manifest in KubernetesManifests.All)
        {
            Rule.Holds(!string.IsNullOrEmpty(manifest.ApiVersion), manifest.File, $"document {manifest.DocumentIndex} has apiVersion");
            Rule.Holds(!string.IsNullOrEmpty(manifest.Kind), manifest.File, $"document {manifest.DocumentIndex} has kind");
            Rule.Holds(!string.IsNullOrEmpty(manifest.Name), manifest.File, $"document {manifest.DocumentIndex} has metadata.name");
        }
    }

    [Theory]
    [InlineData("Namespace")]
    [InlineData("ConfigMap")]
    [InlineData("Secret")]
    [InlineData("Deployment")]
    [InlineData("PersistentVolumeClaim")]
    [InlineData("Service")]
    [InlineData("PodDisruptionBudget")]
    [InlineData("HorizontalPodAutoscaler")]
    public void Defines_the_object(string kind) =>
        Rule.Holds(KubernetesManifests.OfKind(kind).Any(), DeployFiles.KubernetesFolder, $"defines a {kind}");

    [Fact]
    public void Kustomization_lists_exactly_the_top_level_manifests()
    {
        var listed = YamlFiles.LoadMapping(DeployFiles.Kustomization).Child("resources").Strings()
            .Select(r => $"{DeployFiles.KubernetesFolder}/{r}").ToHashSet(StringComparer.Ordinal);
        foreach (string file in KubernetesManifests.Files(recursive: false))
            Rule.Holds(listed.Contains(file), DeployFiles.Kustomization, $"lists {file} under resources");
        foreach (string resource in listed)
            Rule.Holds(System.IO.File.Exists(Path.Combine(RepositoryRoot.Path, resource)), DeployFiles.Kustomization, $"resource {resource} exists");
    }

    [Fact]
    public void Namespaced_objects_live_in_the_florence2_namespace()
    {
        foreach (var manifest in KubernetesManifests.All.Where(m => m.Kind != "Namespace"))
            Rule.Holds(manifest.Namespace == Namespace, manifest.File, $"{manifest.Kind} {manifest.Name} has metadata.namespace {Namespace}", manifest.Namespace ?? "unset");
    }

    [Fact]
    public void Service_exposes_port_80_to_the_container_port_8080_of_the_pods()
    {
        var service = KubernetesManifests.Single("Service");
        var pod = PodTemplate.Instance;
        Rule.Holds(service.Root.ScalarAt("spec", "type") is null or "ClusterIP", service.File, "the Service is ClusterIP (the ingress publishes it)");
        Rule.Holds(Selects(service.Root.At("spec", "selector").ScalarMap(), pod.Labels), service.File, "the Service selector matches the pod labels");
        var port = service.Root.At("spec", "ports").Items().FirstOrDefault(p => p.IntAt("port") == 80);
        Rule.Holds(port is not null, service.File, "the Service listens on port 80");
        Rule.Holds(pod.ResolvePort(port.ScalarAt("targetPort")) == ServiceFacts.Port, service.File,
            $"port 80 targets container port {ServiceFacts.Port}", port.ScalarAt("targetPort"));
    }

    [Fact]
    public void Disruption_budget_covers_the_pods_and_still_allows_drains()
    {
        var pdb = KubernetesManifests.Single("PodDisruptionBudget");
        Rule.Holds(pdb.ApiVersion == "policy/v1", pdb.File, "uses policy/v1");
        Rule.Holds(Selects(pdb.Root.At("spec", "selector", "matchLabels").ScalarMap(), PodTemplate.Instance.Labels), pdb.File,
            "the selector matches the Deployment's pod labels");
        string? maxUnavailable = pdb.Root.ScalarAt("spec", "maxUnavailable");
        string? minAvailable = pdb.Root.ScalarAt("spec", "minAvailable");
        Rule.Holds(maxUnavailable is not null ^ minAvailable is not null, pdb.File, "sets exactly one of maxUnavailable/minAvailable");
        Rule.Holds(maxUnavailable is null || (maxUnavailable != "0" && maxUnavailable != "0%"), pdb.File, "maxUnavailable is not 0 (that blocks every node drain)");
    }

    [Fact]
    public void Autoscaler_scales_the_deployment_on_a_service_queue_metric()
    {
        var hpa = KubernetesManifests.Single("HorizontalPodAutoscaler");
        var deployment = KubernetesManifests.Single("Deployment");
        Rule.Holds(hpa.ApiVersion == "autoscaling/v2", hpa.File, "uses autoscaling/v2", hpa.ApiVersion);
        Rule.Holds(hpa.Root.ScalarAt("spec", "scaleTargetRef", "kind") == "Deployment"
                && hpa.Root.ScalarAt("spec", "scaleTargetRef", "name") == deployment.Name, hpa.File,
            $"scaleTargetRef is Deployment {deployment.Name}");
        int? min = hpa.Root.IntAt("spec", "minReplicas");
        int? max = hpa.Root.IntAt("spec", "maxReplicas");
        Rule.Holds(min is >= 1 && max >= min, hpa.File, "1 <= minReplicas <= maxReplicas", $"{min}..{max}");
        var metrics = hpa.Root.At("spec", "metrics").Items();
        Rule.Holds(metrics.Count > 0, hpa.File, "has metrics");
        foreach (var metric in metrics)
        {
            string? type = metric.ScalarAt("type");
            Rule.Holds(type is "Pods" or "External", hpa.File, "scales on a Pods or External metric (from Prometheus via an adapter)", type);
            string key = type == "Pods" ? "pods" : "external";
            string? name = metric.ScalarAt(key, "metric", "name");
            Rule.Holds(name is not null && ServiceFacts.MetricNames.Contains(name), hpa.File, "the metric is one the service exports", name);
            Rule.Holds(metric.ScalarAt(key, "target", "type") is "AverageValue" or "Value"
                    && (metric.ScalarAt(key, "target", "averageValue") ?? metric.ScalarAt(key, "target", "value")) is not null,
                hpa.File, "the metric has a target value");
        }
    }

    [Fact]
    public void Model_cache_claim_is_shared_between_replicas()
    {
        var pod = PodTemplate.Instance;
        string? claimName = pod.Spec.Child("volumes").Items()
            .Select(v => v.ScalarAt("persistentVolumeClaim", "claimName")).FirstOrDefault(c => c is not null);
        var claim = Rule.Present(KubernetesManifests.OfKind("PersistentVolumeClaim").FirstOrDefault(c => c.Name == claimName), pod.File,
            "the pod mounts a PersistentVolumeClaim defined in deploy/k8s", claimName);
        Rule.Holds(claim.Root.At("spec", "accessModes").Strings().Contains("ReadWriteMany"), claim.File,
            "the model cache claim is ReadWriteMany (every replica reuses one download)");
        Rule.Holds(claim.Root.ScalarAt("spec", "resources", "requests", "storage") is not null, claim.File, "requests a storage size");
    }

    [Fact]
    public void Secrets_in_the_repository_hold_placeholders_only()
    {
        foreach (var secret in KubernetesManifests.OfKind("Secret"))
        {
            Rule.Holds(secret.Root.Child("data") is null, secret.File, "uses stringData placeholders, not base64 data");
            foreach (var (key, value) in secret.Root.Child("stringData").ScalarMap())
            {
                Rule.Holds(value.Length == 0 || value.Contains("REPLACE", StringComparison.OrdinalIgnoreCase), secret.File,
                    $"stringData.{key} is empty or an obvious REPLACE placeholder, never a real secret");
            }
        }
    }

    [Fact]
    public void Secrets_are_not_applied_by_the_kustomization()
    {
        var listed = YamlFiles.LoadMapping(DeployFiles.Kustomization).Child("resources").Strings()
            .Select(r => $"{DeployFiles.KubernetesFolder}/{r}").ToHashSet(StringComparer.Ordinal);
        foreach (var secret in KubernetesManifests.OfKind("Secret"))
            Rule.Holds(!listed.Contains(secret.File), DeployFiles.Kustomization, $"does not apply the placeholder Secret {secret.File}");
    }

    [Fact]
    public void Config_map_holds_no_secret_like_settings()
    {
        foreach (var map in KubernetesManifests.OfKind("ConfigMap"))
        {
            foreach (string key in map.Root.Child("data").ScalarMap().Keys)
                Rule.Holds(!SecretLikeName.Matches(key), map.File, $"{key} looks like a secret and belongs in a Secret");
        }
    }

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out string? value) && value == s.Value);
}
