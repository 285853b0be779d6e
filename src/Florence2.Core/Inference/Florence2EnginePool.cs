using Florence2.Inference.VisionCache;
using Florence2.Models;
using Florence2.Tokenization;
using Microsoft.Extensions.Logging;

namespace Florence2.Inference;

/// <summary>
/// N independent model instances over one model folder (each with its own sessions), sharing the tokenizer and the
/// provider choice. A batching worker per instance keeps each busy with one batch at a time.
/// </summary>
public sealed class Florence2EnginePool : IDisposable, IAsyncDisposable
{
    private readonly Florence2Engine[] _engines;

    private Florence2EnginePool(Florence2Engine[] engines) => _engines = engines;

    public IReadOnlyList<Florence2Engine> Engines => _engines;

    /// <summary>The first instance's facts (all instances share them).</summary>
    public Florence2Engine Primary => _engines[0];

    /// <param name="folder">The model files.</param>
    /// <param name="options">Providers and instance count.</param>
    /// <param name="logger">Hears which provider was chosen and the model's sizes.</param>
    /// <param name="visionCache">Vision-encoder outputs every instance reuses; null for none.</param>
    /// <param name="continuousDecoding">Rewrite each instance's decoder so requests can join running batches (spec §17).</param>
    /// <exception cref="ModelLoadException">The model folder is incomplete or inconsistent.</exception>
    public static Florence2EnginePool Create(ModelFolder folder, InferenceOptions options, ILogger logger,
        VisionFeatureCache? visionCache = null, bool continuousDecoding = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Instances, 1);
        var tokenizer = LoadTokenizer(folder);
        var providers = new ExecutionProviderSelector(options, logger);
        var engines = new List<Florence2Engine>(options.Instances);
        try
        {
            for (int i = 0; i < options.Instances; i++)
                engines.Add(new Florence2Engine(folder, tokenizer, providers, visionCache, continuousDecoding));
        }
        catch
        {
            foreach (var engine in engines) engine.Dispose();
            throw;
        }
        logger.LogInformation(
            "Loaded model {ModelId} ({Dtype}) × {Instances} on {Provider}: hidden {Hidden}, {Layers} decoder layers × {Heads} heads of {HeadDim}, vocabulary {Vocab}",
            folder.Id, folder.Precision, options.Instances, providers.Choice.Name, engines[0].Dimensions.HiddenSize,
            engines[0].Dimensions.DecoderLayers, engines[0].Dimensions.DecoderHeads, engines[0].Dimensions.HeadDim, engines[0].Dimensions.VocabSize);
        if (engines[0].ContinuousDecodingUnavailable is { } reason)
            logger.LogWarning("Continuous batching is off for model {ModelId}: {Reason}; its requests are batched in cohorts", folder.Id, reason);
        return new Florence2EnginePool([.. engines]);
    }

    private int _disposed;

    public void Dispose()
    {
        // Idempotent: releasing a native session twice corrupts the heap.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (var engine in _engines) engine.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static Florence2Tokenizer LoadTokenizer(ModelFolder folder)
    {
        try
        {
            return Florence2Tokenizer.Load(folder.Root);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new ModelLoadException($"The tokenizer files of '{folder.Root}' could not be loaded: {ex.Message}", folder.Root, ex);
        }
    }
}
