using Florence2.Tests.Deploy.Compose;
using Florence2.Tests.Deploy.Nginx;
using Florence2.Tests.Deploy.Yaml;

namespace Florence2.Tests.Deploy.Observability;

/// <summary>Prometheus sees every replica and the collector; the collector's pipelines are complete; nginx and Prometheus use the replicas' shared name.</summary>
public sealed class ObservabilityConfigTests
{
    [Fact]
    public void Prometheus_discovers_every_replica_by_dns_on_the_service_port()
    {
        var job = Rule.Present(ScrapeJobs().FirstOrDefault(j => j.Child("dns_sd_configs") is not null),
            DeployFiles.PrometheusConfig, "has a scrape job with dns_sd_configs (one target per replica)");
        Rule.Holds((job.ScalarAt("metrics_path") ?? "/metrics") == ServiceFacts.MetricsPath, DeployFiles.PrometheusConfig, $"the replica job scrapes {ServiceFacts.MetricsPath}");
        var discovery = job.Child("dns_sd_configs").Items().First();
        Rule.Holds(discovery.ScalarAt("type") is null or "A", DeployFiles.PrometheusConfig, "dns_sd_configs uses A records (compose DNS has no SRV)");
        Rule.Holds(discovery.IntAt("port") == ServiceFacts.Port, DeployFiles.PrometheusConfig, $"dns_sd_configs port is {ServiceFacts.Port}");
        string alias = ReplicaAlias();
        Rule.Holds(discovery.Child("names").Strings().Contains(alias), DeployFiles.PrometheusConfig,
            $"dns_sd_configs names the replicas' network alias '{alias}' from {DeployFiles.Compose}");
    }

    [Fact]
    public void Prometheus_scrapes_the_collectors_prometheus_exporter()
    {
        string exporter = Rule.Present(YamlFiles.LoadMapping(DeployFiles.OtelCollectorConfig).ScalarAt("exporters", "prometheus", "endpoint"),
            DeployFiles.OtelCollectorConfig, "has a prometheus exporter with an endpoint");
        string port = exporter[(exporter.LastIndexOf(':') + 1)..];
        var targets = ScrapeJobs().SelectMany(j => j.Child("static_configs").Items()).SelectMany(s => s.Child("targets").Strings());
        Rule.Holds(targets.Contains($"otel-collector:{port}"), DeployFiles.PrometheusConfig, $"scrapes otel-collector:{port} (the collector's prometheus exporter)");
    }

    [Theory]
    [InlineData("traces")]
    [InlineData("metrics")]
    public void Collector_pipeline_receives_otlp_and_exports_to_a_declared_exporter(string pipeline)
    {
        var config = YamlFiles.LoadMapping(DeployFiles.OtelCollectorConfig);
        var node = Rule.Present(config.At("service", "pipelines", pipeline), DeployFiles.OtelCollectorConfig, $"has a {pipeline} pipeline");
        Rule.Holds(node.Child("receivers").Strings().Contains("otlp"), DeployFiles.OtelCollectorConfig, $"{pipeline} pipeline receives otlp");
        var declared = config.Child("exporters").Entries().Select(e => e.Key).ToHashSet();
        var exporters = node.Child("exporters").Strings();
        Rule.Holds(exporters.Count > 0 && exporters.All(declared.Contains), DeployFiles.OtelCollectorConfig,
            $"{pipeline} pipeline exporters are declared under exporters", string.Join(", ", exporters));
        var processors = config.Child("processors").Entries().Select(e => e.Key).ToHashSet();
        Rule.Holds(node.Child("processors").Strings().All(processors.Contains), DeployFiles.OtelCollectorConfig, $"{pipeline} pipeline processors are declared");
    }

    [Fact]
    public void Collector_exports_metrics_to_prometheus_and_something_to_debug()
    {
        var config = YamlFiles.LoadMapping(DeployFiles.OtelCollectorConfig);
        Rule.Holds(config.Child("exporters").Child("debug") is not null || config.Child("exporters").Child("logging") is not null,
            DeployFiles.OtelCollectorConfig, "declares a debug (or logging) exporter");
        Rule.Holds(config.At("service", "pipelines", "metrics", "exporters").Strings().Contains("prometheus"), DeployFiles.OtelCollectorConfig,
            "the metrics pipeline exports to prometheus");
    }

    [Fact]
    public void Nginx_upstream_names_the_replicas_network_alias_on_the_service_port()
    {
        string alias = ReplicaAlias();
        var servers = NginxConfig.Instance.Upstreams.SelectMany(u => u.Named("server")).Select(s => s.Arguments[0]).ToList();
        Rule.Holds(servers.Contains($"{alias}:{ServiceFacts.Port}"), DeployFiles.NginxConfig,
            $"the upstream server is {alias}:{ServiceFacts.Port}, the alias every replica carries in {DeployFiles.Compose}", string.Join(", ", servers));
    }

    /// <summary>The network alias both compose variants share (so one DNS name covers whichever profile runs).</summary>
    private static string ReplicaAlias()
    {
        var aliasSets = ComposeFile.Instance.VariantsByTarget.Values
            .Select(v => v.Node.Child("networks").Entries().SelectMany(n => n.Value.Child("aliases").Strings()).ToHashSet())
            .ToList();
        Rule.Holds(aliasSets.Count >= 2, DeployFiles.Compose, "has gpu and cpu variants");
        var shared = aliasSets.Aggregate((a, b) => a.Intersect(b).ToHashSet());
        Rule.Holds(shared.Count == 1, DeployFiles.Compose, "the gpu and cpu variants share one network alias", string.Join(", ", shared));
        return shared.Single();
    }

    private static IReadOnlyList<YamlDotNet.RepresentationModel.YamlNode> ScrapeJobs() =>
        YamlFiles.LoadMapping(DeployFiles.PrometheusConfig).Child("scrape_configs").Items();
}
