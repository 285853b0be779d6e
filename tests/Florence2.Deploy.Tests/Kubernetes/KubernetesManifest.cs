using Florence2.Tests.Deploy.Yaml;
using YamlDotNet.RepresentationModel;

namespace Florence2.Tests.Deploy.Kubernetes;

/// <summary>One Kubernetes object from a manifest file.</summary>
internal sealed record KubernetesManifest(string File, int DocumentIndex, YamlNode Root)
{
    public string? ApiVersion => Root.ScalarAt("apiVersion");
    public string? Kind => Root.ScalarAt("kind");
    public string? Name => Root.ScalarAt("metadata", "name");
    public string? Namespace => Root.ScalarAt("metadata", "namespace");

    public string Display => $"{File} ({Kind ?? "?"} {Name ?? "?"})";
}

/// <summary>Every object in deploy/k8s (recursively, multi-document files split), plus the kustomization.</summary>
internal static class KubernetesManifests
{
    private static readonly Lazy<IReadOnlyList<KubernetesManifest>> Loaded = new(Load);

    public static IReadOnlyList<KubernetesManifest> All => Loaded.Value;

    public static IEnumerable<KubernetesManifest> OfKind(string kind) => All.Where(m => m.Kind == kind);

    public static KubernetesManifest Single(string kind)
    {
        var matches = OfKind(kind).ToList();
        Rule.Holds(matches.Count == 1, DeployFiles.KubernetesFolder, $"defines exactly one {kind}", $"found {matches.Count}");
        return matches[0];
    }

    /// <summary>The manifest files, not the kustomization itself.</summary>
    public static IReadOnlyList<string> Files(bool recursive) =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, DeployFiles.KubernetesFolder), "*.*",
                recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(RepositoryRoot.Relative)
            .Where(f => f != DeployFiles.Kustomization)
            .Order(StringComparer.Ordinal)
            .ToList();

    private static IReadOnlyList<KubernetesManifest> Load() =>
        Files(recursive: true).SelectMany(file => YamlFiles.LoadDocuments(Path.Combine(RepositoryRoot.Path, file))
                .Select((document, index) => new KubernetesManifest(file, index, document.RootNode))
                .Where(m => m.Root is not YamlScalarNode { Value: null or "" }))
            .ToList();
}
