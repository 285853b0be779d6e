using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Florence2.Tests.Deploy.Yaml;

/// <summary>Loads YAML files as node trees, every document of a multi-document file, with merge keys (&lt;&lt;: *anchor) applied.</summary>
internal static class YamlFiles
{
    public static IReadOnlyList<YamlDocument> LoadDocuments(string fullPath)
    {
        using var reader = File.OpenText(fullPath);
        var stream = new YamlStream();
        try
        {
            stream.Load(new MergingParser(new Parser(reader)));
        }
        catch (YamlException ex)
        {
            Assert.Fail($"{RepositoryRoot.Relative(fullPath)}: is not valid YAML ({ex.Message})");
        }
        return stream.Documents.ToList();
    }

    /// <summary>The root mapping of a single-document file.</summary>
    public static YamlMappingNode LoadMapping(string relativePath)
    {
        var documents = LoadDocuments(RepositoryRoot.File(relativePath));
        Rule.Holds(documents.Count == 1, relativePath, "holds exactly one YAML document", $"found {documents.Count}");
        return Rule.Present(documents[0].RootNode as YamlMappingNode, relativePath, "the document is a mapping");
    }
}
