using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Florence2.Tests.Deploy.Yaml;

/// <summary>Null-tolerant navigation of YamlDotNet node trees: a missing key or a node of another shape gives null/empty.</summary>
internal static class YamlNodeExtensions
{
    public static YamlNode? Child(this YamlNode? node, string key)
    {
        if (node is not YamlMappingNode mapping)
            return null;
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode scalar && scalar.Value == key)
                return v;
        }
        return null;
    }

    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (string key in path)
            node = node.Child(key);
        return node;
    }

    public static string? Scalar(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static string? ScalarAt(this YamlNode? node, params string[] path) => node.At(path).Scalar();

    public static int? IntAt(this YamlNode? node, params string[] path) =>
        int.TryParse(node.ScalarAt(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;

    public static bool IsTrue(this YamlNode? node, params string[] path) =>
        string.Equals(node.ScalarAt(path), "true", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    /// <summary>Scalar items of a sequence; a lone scalar counts as a one-item list (compose allows both).</summary>
    public static IReadOnlyList<string> Strings(this YamlNode? node) => node switch
    {
        YamlSequenceNode sequence => sequence.Children.Select(c => c.Scalar()).OfType<string>().ToList(),
        YamlScalarNode scalar when scalar.Value is not null => [scalar.Value],
        _ => [],
    };

    public static IReadOnlyList<KeyValuePair<string, YamlNode>> Entries(this YamlNode? node) =>
        node is YamlMappingNode mapping
            ? mapping.Children.Where(e => e.Key is YamlScalarNode { Value: not null })
                .Select(e => new KeyValuePair<string, YamlNode>(((YamlScalarNode)e.Key).Value!, e.Value)).ToList()
            : [];

    /// <summary>A mapping of scalars as a dictionary (non-scalar values are skipped).</summary>
    public static IReadOnlyDictionary<string, string> ScalarMap(this YamlNode? node) =>
        node.Entries().Where(e => e.Value is YamlScalarNode).ToDictionary(e => e.Key, e => e.Value.Scalar() ?? "", StringComparer.Ordinal);
}
