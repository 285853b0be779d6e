using System.Text.RegularExpressions;
using Florence2.Tests.Deploy.Compose;
using Florence2.Tests.Deploy.Docker;
using Florence2.Tests.Deploy.Kubernetes;
using Florence2.Tests.Deploy.Yaml;

namespace Florence2.Tests.Deploy.Configuration;

/// <summary>Every environment variable the deploy files give the service is one it reads (typos are silently ignored otherwise).</summary>
public sealed partial class DeployEnvironmentVariableTests
{
    [Fact]
    public void Dockerfile_env_names_are_known()
    {
        var dockerfile = DockerfileParser.Parse(RepositoryRoot.ReadText(DeployFiles.Dockerfile));
        foreach (var stage in dockerfile.Stages.Where(s => s.Name is "cpu" or "gpu"))
        {
            foreach (string name in stage.Environment.Keys)
                Check(DeployFiles.Dockerfile, $"stage {stage.Name}", name);
        }
    }

    [Fact]
    public void Compose_service_env_names_are_known()
    {
        foreach (var (name, node) in ComposeFile.Instance.VariantsByTarget.Values)
        {
            foreach (string variable in ComposeFile.Environment(node).Keys)
                Check(DeployFiles.Compose, $"service {name}", variable);
        }
    }

    [Fact]
    public void Kubernetes_env_names_are_known()
    {
        foreach (var map in KubernetesManifests.OfKind("ConfigMap"))
        {
            foreach (string key in map.Root.Child("data").ScalarMap().Keys)
                Check(map.File, $"ConfigMap {map.Name}", key);
        }
        var pod = PodTemplate.Instance;
        foreach (var env in pod.Container.Child("env").Items())
            Check(pod.File, "container env", env.ScalarAt("name") ?? "");
    }

    [Fact]
    public void No_deploy_file_mentions_a_misspelt_service_option()
    {
        var files = new[] { DeployFiles.Dockerfile, DeployFiles.Compose, DeployFiles.NginxConfig }
            .Concat(KubernetesManifests.Files(recursive: true))
            .Append($"{DeployFiles.KubernetesFolder}/README.md");
        foreach (string file in files)
        {
            foreach (Match mention in ServiceOptionMention().Matches(RepositoryRoot.ReadText(file)))
            {
                // "Florence2__…__N" in prose stands for an index.
                string name = mention.Value.Replace("__N", "__0", StringComparison.Ordinal);
                Check(file, "mention", name);
            }
        }
    }

    private static void Check(string file, string where, string name)
    {
        string? problem = EnvironmentVariableNameRule.Problem(name);
        Rule.Holds(problem is null, file, $"{where}: environment variable {name} is one the service reads", problem);
    }

    // Florence2 followed by underscores and a letter: Florence2__Model__Path, and the typo Florence2_Model__Path.
    [GeneratedRegex(@"\bFlorence2_+[A-Za-z][A-Za-z0-9_]*")]
    private static partial Regex ServiceOptionMention();
}
