namespace Florence2.Generation;

/// <summary>An ordered list of <see cref="ILogitsProcessor"/>s applied one after another (HF <c>LogitsProcessorList</c>).</summary>
public sealed class LogitsProcessorList : ILogitsProcessor
{
    private readonly ILogitsProcessor[] _processors;

    /// <summary>Creates a list that applies <paramref name="processors"/> in the given order.</summary>
    public LogitsProcessorList(IEnumerable<ILogitsProcessor> processors)
    {
        ArgumentNullException.ThrowIfNull(processors);
        _processors = processors.ToArray();
    }

    /// <summary>The processors, in application order.</summary>
    public IReadOnlyList<ILogitsProcessor> Processors => _processors;

    /// <summary>
    /// The processors HF's <c>_get_logits_processor</c> builds for Florence-2's configuration, in HF order:
    /// NoRepeatNGram, ForcedBOS, ForcedEOS. With <see cref="GenerationSettings.IgnoreEos"/> the forced EOS is dropped and
    /// EOS is suppressed instead (last, so nothing re-enables it).
    /// </summary>
    /// <param name="settings">Decoding settings (n-gram size, IgnoreEos).</param>
    /// <param name="ids">Special token ids (forced BOS/EOS, EOS).</param>
    /// <param name="maxLength">Total decoder length including the start token.</param>
    public static LogitsProcessorList Create(GenerationSettings settings, SpecialTokenIds ids, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ids);
        var list = new List<ILogitsProcessor>(4);
        if (settings.NoRepeatNgramSize > 0)
            list.Add(new NoRepeatNGramProcessor(settings.NoRepeatNgramSize));
        if (ids.ForcedBos is int bos)
            list.Add(new ForcedBosProcessor(bos));
        if (settings.IgnoreEos)
            list.Add(new SuppressTokenProcessor(ids.Eos));
        else if (ids.ForcedEos is int eos)
            list.Add(new ForcedEosProcessor(maxLength, eos));
        return new LogitsProcessorList(list);
    }

    /// <inheritdoc />
    public void Process(ReadOnlySpan<int> history, Span<float> scores)
    {
        foreach (ILogitsProcessor processor in _processors)
            processor.Process(history, scores);
    }
}
