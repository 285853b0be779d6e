namespace Florence2.Tests.Deploy;

/// <summary>Repository-relative paths of the shipping artifacts under test.</summary>
internal static class DeployFiles
{
    public const string Dockerfile = "Dockerfile";
    public const string DockerIgnore = ".dockerignore";
    public const string Compose = "docker-compose.yml";
    public const string ComposeEnvExample = "deploy/compose.env.example";
    public const string NginxConfig = "deploy/nginx/nginx.conf";
    public const string PrometheusConfig = "deploy/prometheus/prometheus.yml";
    public const string OtelCollectorConfig = "deploy/otel-collector/config.yaml";
    public const string KubernetesFolder = "deploy/k8s";
    public const string Kustomization = "deploy/k8s/kustomization.yaml";
    public const string ServiceProject = "src/Florence2.Service/Florence2.Service.csproj";
}
