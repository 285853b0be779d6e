using Florence2.Tests.Deploy.Yaml;
using YamlDotNet.RepresentationModel;

namespace Florence2.Tests.Deploy.Compose;

/// <summary>docker-compose.yml as a node tree, with the service-level views the rules need.</summary>
internal sealed class ComposeFile(YamlMappingNode root)
{
    public const string Path = DeployFiles.Compose;

    private static readonly Lazy<ComposeFile> Loaded = new(() => new ComposeFile(YamlFiles.LoadMapping(Path)));

    public static ComposeFile Instance => Loaded.Value;

    public YamlMappingNode Root { get; } = root;

    public IReadOnlyDictionary<string, YamlNode> Services =>
        Root.Child("services").Entries().ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>The Florence2Service variants: services built from this repository's Dockerfile, by build target.</summary>
    public IReadOnlyDictionary<string, (string Name, YamlNode Node)> VariantsByTarget =>
        Services.Where(s => s.Value.ScalarAt("build", "target") is not null)
            .ToDictionary(s => s.Value.ScalarAt("build", "target")!, s => (s.Key, s.Value), StringComparer.Ordinal);

    public YamlNode Service(string name) =>
        Rule.Present(Services.GetValueOrDefault(name), Path, $"defines a service named {name}");

    /// <summary>A service's environment, from either the mapping or the KEY=VALUE list form.</summary>
    public static IReadOnlyDictionary<string, string> Environment(YamlNode service)
    {
        var node = service.Child("environment");
        if (node is YamlSequenceNode)
        {
            return node.Strings().Select(item => item.Split('=', 2))
                .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "", StringComparer.Ordinal);
        }
        return node.ScalarMap();
    }

    /// <summary>Short-form volume strings (<c>source:target[:mode]</c>) and long-form entries as (type, source, target).</summary>
    public static IReadOnlyList<(string Type, string Source, string Target)> Volumes(YamlNode service) =>
        service.Child("volumes").Items().Select(item =>
        {
            if (item.Scalar() is { } text)
            {
                var parts = text.Split(':');
                string source = parts[0];
                string type = source.StartsWith('.') || source.StartsWith('/') ? "bind" : "volume";
                return (type, source, parts.Length > 1 ? parts[1] : source);
            }
            return (item.ScalarAt("type") ?? "volume", item.ScalarAt("source") ?? "", item.ScalarAt("target") ?? "");
        }).ToList();
}
