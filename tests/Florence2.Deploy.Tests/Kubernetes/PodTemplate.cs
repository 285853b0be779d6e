using Florence2.Tests.Deploy.Yaml;
using YamlDotNet.RepresentationModel;

namespace Florence2.Tests.Deploy.Kubernetes;

/// <summary>The Deployment's pod template and its service container, the parts most rules look at.</summary>
internal sealed class PodTemplate
{
    public PodTemplate(KubernetesManifest deployment)
    {
        Deployment = deployment;
        Spec = Rule.Present(deployment.Root.At("spec", "template", "spec"), deployment.File, "Deployment has spec.template.spec");
        var containers = Spec.Child("containers").Items();
        Rule.Holds(containers.Count == 1, deployment.File, "the pod has one container (the service)", $"found {containers.Count}");
        Container = containers[0];
    }

    public static PodTemplate Instance => new(KubernetesManifests.Single("Deployment"));

    public KubernetesManifest Deployment { get; }
    public YamlNode Spec { get; }
    public YamlNode Container { get; }
    public string File => Deployment.File;

    public IReadOnlyDictionary<string, string> Labels => Deployment.Root.At("spec", "template", "metadata", "labels").ScalarMap();

    /// <summary>A probe's or port's target port as a number, resolving named container ports.</summary>
    public int? ResolvePort(string? port)
    {
        if (int.TryParse(port, out int number))
            return number;
        var named = Container.Child("ports").Items().FirstOrDefault(p => p.ScalarAt("name") == port);
        return named.IntAt("containerPort");
    }

    /// <summary>The seconds the preStop hook waits: exec <c>sleep N</c> or the <c>sleep</c> action.</summary>
    public int? PreStopSleepSeconds()
    {
        var preStop = Container.At("lifecycle", "preStop");
        if (preStop.IntAt("sleep", "seconds") is { } seconds)
            return seconds;
        var command = preStop.At("exec", "command").Strings();
        string[] words = command.Count == 3 && command[1] == "-c" ? command[2].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [.. command];
        int sleep = Array.IndexOf(words, "sleep");
        if (sleep < 0 || sleep + 1 >= words.Length)
            return null;
        return int.TryParse(words[sleep + 1], out int value) ? value : null;
    }

    public YamlNode? Volume(string name) => Spec.Child("volumes").Items().FirstOrDefault(v => v.ScalarAt("name") == name);

    public YamlNode? MountAt(string path) => Container.Child("volumeMounts").Items().FirstOrDefault(m => m.ScalarAt("mountPath") == path);

    /// <summary>A security setting from the container, else the pod (container values win).</summary>
    public string? Security(string key) =>
        Container.ScalarAt("securityContext", key) ?? Spec.ScalarAt("securityContext", key);
}
