using Florence2.Generation;
using Florence2.Inference;

namespace Florence2.Tests.Batching;

/// <summary>Requests and outcomes for batching tests; the prompt names the request so batches can be compared.</summary>
internal static class TestRequests
{
    public static EngineRequest Create(string prompt, GenerationSettings? settings = null, CancellationToken token = default) => new()
    {
        Image = new BlankImage(),
        Prompt = prompt,
        Generation = settings ?? new GenerationSettings(),
        CancellationToken = token,
    };

    /// <summary>A completed outcome whose text is the prompt and which generated two tokens.</summary>
    public static EngineOutcome Completed(string prompt, int batchSize) =>
        new(EngineOutcomeStatus.Completed, new EngineResult([2, 100, 2], prompt, new StageTimings(batchSize, 10, 20, 30, 2)));

    private sealed class BlankImage : IPixelSource
    {
        public int Width => 1;

        public int Height => 1;

        public void WritePixelValues(Span<float> destination, int targetWidth, int targetHeight) => destination.Clear();
    }
}

/// <summary>How long a test waits for background work before failing; never used to let time pass.</summary>
internal static class Safety
{
    public static readonly TimeSpan Timeout = Eventually.DefaultLimit;

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);
}
