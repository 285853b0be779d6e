using Florence2.Inference;
using Florence2.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Inference;

/// <summary>One tiny-model engine shared by the engine tests (loading sessions is the slow part).</summary>
public sealed class TinyEngineFixture : IDisposable
{
    public TinyEngineFixture()
    {
        Folder = ModelFolder.Open(TestModels.Tiny);
        Pool = Florence2EnginePool.Create(Folder, new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance);
    }

    public ModelFolder Folder { get; }
    public Florence2EnginePool Pool { get; }
    public Florence2Engine Engine => Pool.Primary;

    public void Dispose() => Pool.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TinyEngineCollection : ICollectionFixture<TinyEngineFixture>
{
    public const string Name = "tiny engine";
}
