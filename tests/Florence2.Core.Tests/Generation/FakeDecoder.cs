using Florence2.Generation;

namespace Florence2.Tests.Generation;

/// <summary>
/// Plays the engine's part against an <see cref="ISequenceSearch"/>: it keeps the tokens fed to each decoder row (its
/// "KV cache"), asks a logits function for every row given that row's full history, and gathers rows by the parents the
/// search returns — including the step-0 tiling from one row to K.
/// </summary>
internal sealed class FakeDecoder(int vocabSize, Func<IReadOnlyList<int>, float[]> logitsFor)
{
    public int VocabSize { get; } = vocabSize;

    /// <summary>Rows handed to the search at each step.</summary>
    public List<int> RowsPerStep { get; } = [];

    /// <summary>Parents the search returned at each step (empty for the final step).</summary>
    public List<int[]> ParentsPerStep { get; } = [];

    public IReadOnlyList<int> Run(ISequenceSearch search, int stepLimit = 10_000)
    {
        var rows = new List<List<int>> { new() };
        var tokens = new long[64];
        var parents = new int[64];
        for (int step = 0; !search.IsDone; step++)
        {
            Assert.True(step < stepLimit, "search did not finish");
            int rowCount = search.RowCount;
            Assert.Equal(rows.Count, rowCount);
            search.WriteNextInputTokens(tokens);

            var logits = new float[rowCount * VocabSize];
            for (int r = 0; r < rowCount; r++)
            {
                rows[r].Add((int)tokens[r]);
                float[] row = logitsFor(rows[r]);
                Assert.Equal(VocabSize, row.Length);
                row.CopyTo(logits, r * VocabSize);
            }

            RowsPerStep.Add(rowCount);
            int next = search.Advance(logits, VocabSize, parents);
            Assert.Equal(next, search.RowCount);
            ParentsPerStep.Add(parents.AsSpan(0, next).ToArray());
            if (next == 0)
                break;
            var gathered = new List<List<int>>(next);
            for (int i = 0; i < next; i++)
                gathered.Add(new List<int>(rows[parents[i]]));
            rows = gathered;
        }
        Assert.True(search.IsDone);
        Assert.Equal(0, search.RowCount);
        return search.Result;
    }
}

/// <summary>Hand-set next-token distributions keyed by the exact history; other histories get uniform logits.</summary>
internal sealed class ScriptedLogits(int vocabSize)
{
    private readonly Dictionary<string, float[]> _rows = [];

    public int VocabSize { get; } = vocabSize;

    /// <summary>After <paramref name="history"/>, token t has probability p (log-probability ln p); unlisted tokens get 0.</summary>
    public ScriptedLogits When(int[] history, params (int Token, double P)[] probabilities)
    {
        _rows[Key(history)] = Distribution(VocabSize, probabilities);
        return this;
    }

    /// <summary>Raw logits for <paramref name="history"/> (the given row, not a distribution).</summary>
    public ScriptedLogits WhenLogits(int[] history, float[] logits)
    {
        _rows[Key(history)] = logits;
        return this;
    }

    public float[] For(IReadOnlyList<int> history) =>
        _rows.TryGetValue(Key(history), out float[]? row) ? row : new float[VocabSize];

    /// <summary>Logits ln p, so the log-softmax returns ln p (−∞ for unlisted tokens).</summary>
    public static float[] Distribution(int vocabSize, params (int Token, double P)[] probabilities)
    {
        var logits = new float[vocabSize];
        Array.Fill(logits, float.NegativeInfinity);
        foreach ((int token, double p) in probabilities)
            logits[token] = (float)Math.Log(p);
        return logits;
    }

    private static string Key(IEnumerable<int> history) => string.Join(',', history);
}

/// <summary>
/// A deterministic pseudo-random decoder: the logits of a history depend only on (seed, history). Optional EOS bias makes
/// EOS likely; optional quantisation creates exact ties.
/// </summary>
internal sealed class RandomLogits(int seed, int vocabSize, int eos, float eosBias, bool quantize)
{
    public int VocabSize { get; } = vocabSize;

    public float[] For(IReadOnlyList<int> history)
    {
        // FNV-1a over the history: string.GetHashCode / HashCode are randomised per process.
        uint hash = 2166136261u ^ (uint)seed;
        foreach (int token in history)
            hash = (hash ^ (uint)token) * 16777619u;
        var random = new Random((int)hash);
        var logits = new float[VocabSize];
        for (int t = 0; t < VocabSize; t++)
        {
            double x = random.NextDouble() * 6 - 3;
            logits[t] = quantize ? (float)Math.Round(x * 2) / 2 : (float)x;
        }
        logits[eos] += eosBias;
        return logits;
    }
}
