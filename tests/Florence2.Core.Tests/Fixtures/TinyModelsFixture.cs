using Florence2.Fixtures;

namespace Florence2.Tests.Fixtures;

/// <summary>Writes the tiny and scripted fixture models once per test run into a temp folder.</summary>
public sealed class TinyModelsFixture : IDisposable
{
    /// <summary>First generated token is &lt;s&gt; (0), like a real Florence-2 output, then arbitrary ids incl. an added token.</summary>
    public static readonly int[] Script = [0, 1437, 50269, 713, 9];

    public TinyModelsFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "florence2-fixture-tests-" + Guid.NewGuid().ToString("N"));
        TinyDirectory = Path.Combine(Root, "tiny");
        ScriptedDirectory = Path.Combine(Root, "scripted");
        FixtureModelWriter.Write(FixtureModelSpec.Tiny, TinyDirectory);
        FixtureModelWriter.Write(FixtureModelSpec.Scripted(Script), ScriptedDirectory);
    }

    public string Root { get; }
    public string TinyDirectory { get; }
    public string ScriptedDirectory { get; }

    public static string ModelPath(string modelDirectory, string file) => Path.Combine(modelDirectory, FixtureModelWriter.OnnxFolder, file);

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelsCollection : ICollectionFixture<TinyModelsFixture>
{
    public const string Name = "Tiny fixture models";
}
