using System.Diagnostics;
using Florence2.Generation;

namespace Florence2.Inference;

public sealed partial class Florence2Engine
{
    /// <summary>A request decoding in a batch.</summary>
    private sealed class LiveRequest(int index, EngineRequest request, ISequenceSearch search, int maxSteps)
    {
        public int Index { get; } = index;
        public EngineRequest Request { get; } = request;
        public ISequenceSearch Search { get; } = search;

        /// <summary>Decoder steps left before its token budget is used up (it may finish sooner, at EOS).</summary>
        public int StepsLeft => Math.Max(0, maxSteps - Search.Steps);

        /// <summary>Tokens fed to the decoder so far: the position of the next one, and the length of its history.</summary>
        public int Fed { get; set; }

        public PrefillTimings Prefill { get; set; } = PrefillTimings.None;
        public VisionFeatureSource VisionSource { get; set; }

        /// <summary><see cref="Stopwatch.GetTimestamp"/> when its first decoder step started.</summary>
        public long DecodeStarted { get; set; }
    }

    /// <summary>
    /// The vision and encoder pass of the group a request entered the batch with; the batch size counts the requests
    /// decoding together once the group entered (the group and those already running).
    /// </summary>
    private sealed record PrefillTimings(int BatchSize, double VisionMs, double EncoderMs, int VisionImages, int VisionCacheHits)
    {
        public static PrefillTimings None { get; } = new(0, 0, 0, 0, 0);
    }
}
