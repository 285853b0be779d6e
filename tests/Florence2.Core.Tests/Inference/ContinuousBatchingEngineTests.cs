using System.Diagnostics;
using System.Runtime.CompilerServices;
using Florence2.Fixtures;
using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Inference;

/// <summary>
/// Requests that join a running batch between decoder steps (continuous batching) get exactly the tokens they get
/// served alone by the unrewritten model, whatever step they join at, whoever they decode beside and whoever leaves.
/// </summary>
public sealed class ContinuousBatchingEngineTests
{
    private static readonly string[] Prompts =
    [
        "Locate the objects with category name in the image.",
        "What does the image describe?",
        "Locate the phrases in the caption: A green car parked in front of a yellow building.",
        "What is the text in the image, with regions?",
        "Describe in detail what is shown in the image.",
    ];

    /// <summary>The tiny fixture's encoder and vision stand-in with Florence-2-base's decoder dimensions.</summary>
    private static readonly FixtureModelSpec BaseShapedDecoder = FixtureModelSpec.Tiny with
    {
        Name = "base-shaped-decoder",
        DModel = 768,
        DecoderLayers = 6,
        DecoderAttentionHeads = 12,
        DecoderFfnDim = 3072,
        EncoderAttentionHeads = 12,
        EncoderFfnDim = 768,
        Vision = VisionEncoderSpec.SinglePatchConv(channels: 768),
    };

    public static TheoryData<string, int, bool, int> Cases => new()
    {
        // model, beams, EOS ignored (lengths forced by each budget), seed of the join schedule
        { "tiny", 1, true, 1 },
        { "tiny", 3, true, 2 },
        { "tiny", 1, false, 3 },
        { "tiny", 3, false, 4 },
        { "base-shaped", 1, true, 5 },
        { "base-shaped", 3, true, 6 },
        { "tiny-folded-offset", 1, true, 7 },
        { "tiny-folded-offset", 3, false, 8 },
    };

    /// <summary>The tiny model with its position offset folded into the Range's bounds, as another export may write it.</summary>
    private static readonly FixtureModelSpec FoldedOffset = FixtureModelSpec.Tiny with { Name = "tiny-folded-offset", FoldedPositionOffset = true };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Requests_joining_at_random_steps_get_the_tokens_they_get_alone(string model, int beams, bool ignoreEos, int seed)
    {
        bool small = model != "base-shaped";
        string folder = model switch { "tiny" => TestModels.Tiny, "base-shaped" => TestModels.Of(BaseShapedDecoder), _ => TestModels.Of(FoldedOffset) };
        var random = new Random(seed);
        var requests = Enumerable.Range(0, small ? 9 : 4)
            .Select(i => Request(100 * seed + i, Prompts[i % Prompts.Length],
                new GenerationSettings { NumBeams = beams, IgnoreEos = ignoreEos, MaxNewTokens = random.Next(4, small ? 26 : 12) }))
            .ToArray();

        var alone = AloneOnTheOriginalModel(folder, requests);
        using var pool = Continuous(folder);
        Assert.True(pool.Primary.ContinuousDecoding, pool.Primary.ContinuousDecodingUnavailable);
        var schedule = new JoinSchedule(requests[2..], random);
        var outcomes = RunJoining(pool.Primary, requests[..2], schedule.Take);

        Assert.Equal(requests.Length, outcomes.Length);
        var order = requests[..2].Concat(schedule.Joined).ToList();
        for (int i = 0; i < outcomes.Length; i++)
            Assert.Equal(alone[Array.IndexOf(requests, order[i])], Completed(outcomes[i]).TokenIds);
        Assert.True(schedule.JoinedBesideOthers > 0, "no request joined while others were decoding");
        Assert.True(schedule.LatestJoinStep >= 3, "every request joined in the first steps");
    }

    /// <summary>
    /// What the batch reports when it asks for joiners: its rows (beams count), the steps left to the request nearest
    /// its budget, step by step, and the measured cost of a step and of a prefill — the facts the finish-first rule
    /// weighs (JoinDeferralTests).
    /// </summary>
    [Fact]
    public void Each_ask_for_joiners_reports_the_rows_the_steps_to_the_soonest_finish_and_the_measured_costs()
    {
        var greedy = Request(7, Prompts[0], new GenerationSettings { NumBeams = 1, IgnoreEos = true, MaxNewTokens = 6 });
        var beams = Request(8, Prompts[1], new GenerationSettings { NumBeams = 3, IgnoreEos = true, MaxNewTokens = 9 });
        using var pool = Continuous(TestModels.Tiny);
        var moments = new List<JoinMoment>();
        var outcomes = RunJoining(pool.Primary, [greedy, beams], moment =>
        {
            moments.Add(moment);
            return [];
        });

        Assert.All(outcomes, o => Completed(o));
        // After the first step the greedy request has 5 of its 6 steps left; once it leaves, the beams' 9 count.
        Assert.Equal([5, 4, 3, 2, 1, 3, 2, 1, 0], moments.Select(m => m.StepsToSoonestFinish));
        Assert.Equal([4, 4, 4, 4, 4, 3, 3, 3, 0], moments.Select(m => m.RowsInUse));
        Assert.Equal(0, moments[0].StepMs);                       // no step after the prefill yet
        Assert.All(moments.Skip(1), m => Assert.True(m.StepMs > 0));
        Assert.All(moments, m => Assert.True(m.PrefillMsPerRequest > 0));
    }

    [Fact]
    public void A_joiner_cancelled_mid_decode_leaves_and_the_others_are_untouched()
    {
        var settings = new GenerationSettings { NumBeams = 3, IgnoreEos = true, MaxNewTokens = 20 };
        var requests = Enumerable.Range(0, 4).Select(i => Request(40 + i, Prompts[i], settings)).ToArray();
        var alone = AloneOnTheOriginalModel(TestModels.Tiny, requests);
        using var cancel = new CancellationTokenSource();
        var cancelled = Request(44, Prompts[4], settings, cancel.Token);

        using var pool = Continuous(TestModels.Tiny);
        int calls = 0;
        var outcomes = RunJoining(pool.Primary, requests[..2], _ =>
        {
            calls++;
            if (calls == 2) return [cancelled, requests[2]];
            if (calls == 6) cancel.Cancel();
            return calls == 8 ? [requests[3]] : [];
        });

        Assert.Equal(EngineOutcomeStatus.Cancelled, outcomes[2].Status);
        Assert.Equal(alone[0], Completed(outcomes[0]).TokenIds);
        Assert.Equal(alone[1], Completed(outcomes[1]).TokenIds);
        Assert.Equal(alone[2], Completed(outcomes[3]).TokenIds);
        Assert.Equal(alone[3], Completed(outcomes[4]).TokenIds);
    }

    [Fact]
    public void A_decoder_the_rewrite_cannot_handle_loads_and_runs_closed_batches()
    {
        string folder = TestModels.TinyOpaquePositions;
        using var pool = Continuous(folder);

        Assert.False(pool.Primary.ContinuousDecoding);
        Assert.False(string.IsNullOrWhiteSpace(pool.Primary.ContinuousDecodingUnavailable));
        var settings = new GenerationSettings { NumBeams = 1, MaxNewTokens = 6 };
        int asked = 0;
        var outcomes = RunJoining(pool.Primary, [Request(1, Prompts[0], settings)], _ =>
        {
            asked++;
            return [Request(2, Prompts[1], settings)];
        });

        Assert.Equal(0, asked);
        Assert.Equal(AloneOnTheOriginalModel(folder, [Request(1, Prompts[0], settings)])[0], Completed(Assert.Single(outcomes)).TokenIds);
    }

    [Fact]
    public void A_batch_that_requests_keep_joining_lets_go_of_each_once_it_is_answered()
    {
        // Under steady traffic a continuous batch never ends; what it keeps of answered requests (their images
        // above all) would grow with every request served.
        using var pool = Continuous(TestModels.Tiny);
        var images = new Dictionary<int, WeakReference>();
        var answered = new List<int>();
        int calls = 0, answeredWhenChecked = 0;
        int[]? retained = null;
        var outcomes = RunJoining(pool.Primary, [Request(1, Prompts[0], new GenerationSettings { IgnoreEos = true, MaxNewTokens = 60 })], _ =>
        {
            calls++;
            if (calls == 50)
            {
                (answeredWhenChecked, retained) = (answered.Count, Reachability.StillAlive(images.Where(p => answered.Contains(p.Key))));
            }
            return calls % 4 == 0 && calls < 40 ? [ShortJoiner(calls, images)] : [];
        }, onAnswered: answered.Add);

        Assert.Equal(10, outcomes.Length);
        Assert.All(outcomes, outcome => Completed(outcome));
        Assert.True(answeredWhenChecked >= 8, $"only {answeredWhenChecked} joiners were answered before the check");
        Assert.Equal(Array.Empty<int>(), retained);
    }

    [Fact]
    public void Between_steps_of_a_batch_that_requests_keep_joining_only_the_current_decode_span_is_open()
    {
        // A span that covered the whole batch would stay open as long as traffic lasts and never be exported.
        int thread = Environment.CurrentManagedThreadId;
        string engineSource = Florence2Engine.Activity.Name; // read first: a listener is asked while a source is made
        var open = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == engineSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = activity => { if (Environment.CurrentManagedThreadId == thread) lock (open) open.Add(activity); },
            ActivityStopped = activity => { lock (open) open.Remove(activity); },
        };
        ActivitySource.AddActivityListener(listener);
        using var pool = Continuous(TestModels.Tiny);
        string[]? openAtCheck = null;
        DateTime lastJoin = default, openSince = default;
        int calls = 0;
        var short3 = new GenerationSettings { IgnoreEos = true, MaxNewTokens = 3 };

        var outcomes = RunJoining(pool.Primary, [Request(1, Prompts[0], new GenerationSettings { IgnoreEos = true, MaxNewTokens = 40 })], _ =>
        {
            calls++;
            if (calls == 30)
            {
                lock (open) (openAtCheck, openSince) = ([.. open.Select(a => a.OperationName)], open.Min(a => a.StartTimeUtc));
            }
            if (calls % 5 != 0 || calls >= 30) return [];
            lastJoin = DateTime.UtcNow;
            return [Request(calls, Prompts[calls % Prompts.Length], short3)];
        });

        Assert.All(outcomes, outcome => Completed(outcome));
        Assert.Equal(["florence2.decode"], openAtCheck ?? ["(never checked)"]);
        Assert.True(openSince > lastJoin, $"the open decode span started at {openSince:O}, before the last join at {lastJoin:O}");
        lock (open) Assert.Empty(open);
    }

    /// <summary>A 3-token request whose image only <paramref name="images"/> tracks (weakly); made here so no caller's frame holds it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static EngineRequest ShortJoiner(int seed, Dictionary<int, WeakReference> images)
    {
        var request = Request(seed, Prompts[seed % Prompts.Length], new GenerationSettings { IgnoreEos = true, MaxNewTokens = 3 });
        images[images.Count + 1] = new WeakReference(request.Image); // joiners get indexes 1, 2, … after the one batch request
        return request;
    }

    /// <summary>Runs a batch that <paramref name="joiners"/> may join; returns every outcome in index order, each reported once.</summary>
    private static EngineOutcome[] RunJoining(Florence2Engine engine, EngineRequest[] batch, JoinerSource joiners,
        Action<int>? onAnswered = null)
    {
        var outcomes = new Dictionary<int, EngineOutcome>();
        int repeated = 0;
        engine.RunBatch(batch, (index, outcome) =>
        {
            repeated += outcomes.TryAdd(index, outcome) ? 0 : 1;
            onAnswered?.Invoke(index);
        }, joiners, CancellationToken.None);
        Assert.Equal(0, repeated);
        Assert.Equal(Enumerable.Range(0, outcomes.Count), outcomes.Keys.Order());
        return [.. outcomes.OrderBy(p => p.Key).Select(p => p.Value)];
    }

    /// <summary>Each request run on its own by an engine whose decoder was not rewritten: the reference.</summary>
    private static IReadOnlyList<int>[] AloneOnTheOriginalModel(string folder, EngineRequest[] requests)
    {
        using var pool = Florence2EnginePool.Create(ModelFolder.Open(folder), new InferenceOptions { Provider = ExecutionProviderKind.Cpu },
            NullLogger.Instance);
        Assert.False(pool.Primary.ContinuousDecoding);
        return [.. requests.Select(r => Completed(pool.Primary.Run(r)).TokenIds)];
    }

    private static Florence2EnginePool Continuous(string folder) =>
        Florence2EnginePool.Create(ModelFolder.Open(folder), new InferenceOptions { Provider = ExecutionProviderKind.Cpu },
            NullLogger.Instance, continuousDecoding: true);

    private static EngineRequest Request(int seed, string prompt, GenerationSettings settings, CancellationToken token = default) =>
        new() { Image = new SyntheticPixels(seed), Prompt = prompt, Generation = settings, CancellationToken = token };

    private static EngineResult Completed(EngineOutcome outcome)
    {
        Assert.True(outcome.Status == EngineOutcomeStatus.Completed, $"expected Completed, got {outcome.Status}: {outcome.Error}");
        return outcome.Result!;
    }

    /// <summary>Hands out the waiting requests a random few (0–2) at a time between steps, as a queue would.</summary>
    private sealed class JoinSchedule(IReadOnlyList<EngineRequest> waiting, Random random)
    {
        private int _next;
        private int _step;

        public List<EngineRequest> Joined { get; } = [];

        /// <summary>Joins that found other rows decoding.</summary>
        public int JoinedBesideOthers { get; private set; }

        public int LatestJoinStep { get; private set; }

        public IReadOnlyList<EngineRequest> Take(JoinMoment moment)
        {
            int rowsInUse = moment.RowsInUse;
            _step++;
            // An idle batch takes at least one (its queue would hold them), else it would end with requests left waiting.
            int wanted = rowsInUse == 0 ? random.Next(1, 3) : random.NextDouble() < 0.3 ? random.Next(1, 3) : 0;
            int count = Math.Min(wanted, waiting.Count - _next);
            if (count == 0) return [];
            var group = waiting.Skip(_next).Take(count).ToList();
            _next += count;
            Joined.AddRange(group);
            if (rowsInUse > 0) JoinedBesideOthers++;
            LatestJoinStep = _step;
            return group;
        }
    }
}
