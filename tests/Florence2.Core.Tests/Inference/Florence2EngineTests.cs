using Florence2.Generation;
using Florence2.Inference;

namespace Florence2.Tests.Inference;

[Collection(TinyEngineCollection.Name)]
public sealed class Florence2EngineTests(TinyEngineFixture model)
{
    private const string OdPrompt = "Locate the objects with category name in the image.";
    private const string CaptionPrompt = "What does the image describe?";
    private const string GroundingPrompt = "Locate the phrases in the caption: A green car parked in front of a yellow building.";

    private static readonly GenerationSettings Greedy = new() { NumBeams = 1, MaxNewTokens = 24 };
    private static readonly GenerationSettings Beam3 = new() { NumBeams = 3, MaxNewTokens = 24 };

    private Florence2Engine Engine => model.Engine;

    [Fact]
    public void Dimensions_come_from_the_graphs_metadata()
    {
        var dims = Engine.Dimensions;
        Assert.Equal(new ModelDimensions(16, 2, 2, 8, 51289, 1024, 577), dims);
        Assert.Equal("cpu", Engine.Provider.Name);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Decoding_is_deterministic(int beams)
    {
        var settings = Greedy with { NumBeams = beams };
        var first = Completed(Engine.Run(Request(1, OdPrompt, settings)));
        var second = Completed(Engine.Run(Request(1, OdPrompt, settings)));
        Assert.Equal(first.TokenIds, second.TokenIds);
        Assert.Equal(2, first.TokenIds[0]); // decoder start token
        Assert.Equal(0, first.TokenIds[1]); // forced <s>
        Assert.Equal(2, first.TokenIds[^1]); // EOS, forced at the budget if not earlier
        Assert.StartsWith("</s><s>", first.Text);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Kv_cached_decode_equals_rerunning_the_whole_prefix(int beams)
    {
        var settings = Greedy with { NumBeams = beams };
        using var reference = new UncachedReferenceDecoder(Engine);
        foreach (var (seed, prompt) in new[] { (1, OdPrompt), (2, CaptionPrompt) })
        {
            var cached = Completed(Engine.Run(Request(seed, prompt, settings)));
            var uncached = reference.Decode(new SyntheticPixels(seed), prompt, settings);
            Assert.Equal(uncached, cached.TokenIds);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Every_request_in_a_batch_gets_what_it_gets_alone(int beams)
    {
        // Different images, prompts of different lengths (padded and masked) and budgets in one batch.
        var requests = new[]
        {
            Request(11, OdPrompt, Greedy with { NumBeams = beams, MaxNewTokens = 24 }),
            Request(12, CaptionPrompt, Greedy with { NumBeams = beams, MaxNewTokens = 8 }),
            Request(13, GroundingPrompt, Greedy with { NumBeams = beams, MaxNewTokens = 16 }),
        };
        var alone = requests.Select(r => Completed(Engine.Run(r)).TokenIds).ToArray();
        var batched = Engine.RunBatch(requests);
        for (int i = 0; i < requests.Length; i++)
            Assert.Equal(alone[i], Completed(batched[i]).TokenIds);
        Assert.All(batched, o => Assert.Equal(3, o.Result!.Timings.BatchSize));
    }

    [Fact]
    public void Finished_requests_are_reported_before_the_batch_ends()
    {
        var requests = new[]
        {
            Request(21, OdPrompt, Greedy with { MaxNewTokens = 3, IgnoreEos = true }),
            Request(22, OdPrompt, Greedy with { MaxNewTokens = 20, IgnoreEos = true }),
        };
        var order = new List<(int Index, int Steps)>();
        var outcomes = Engine.RunBatch(requests, (i, o) => order.Add((i, o.Result!.Timings.DecoderSteps)));
        Assert.Equal([(0, 3), (1, 20)], order);
        Assert.Equal(4, outcomes[0].Result!.TokenIds.Count);
        Assert.Equal(21, outcomes[1].Result!.TokenIds.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_request_cancelled_mid_decode_leaves_the_others_untouched(int beams)
    {
        using var cancel = new CancellationTokenSource();
        var settings = Greedy with { NumBeams = beams, IgnoreEos = true };
        var requests = new[]
        {
            // Finishes after 4 steps and, when it does, cancels the second request in the middle of its decode.
            Request(31, OdPrompt, settings with { MaxNewTokens = 4 }),
            new EngineRequest { Image = new SyntheticPixels(32), Prompt = CaptionPrompt, Generation = settings with { MaxNewTokens = 20 }, CancellationToken = cancel.Token },
            Request(33, GroundingPrompt, settings with { MaxNewTokens = 20 }),
        };
        var alone = Completed(Engine.Run(requests[2])).TokenIds;
        var outcomes = Engine.RunBatch(requests, (i, _) => { if (i == 0) cancel.Cancel(); });
        Assert.Equal(EngineOutcomeStatus.Completed, outcomes[0].Status);
        Assert.Equal(EngineOutcomeStatus.Cancelled, outcomes[1].Status);
        Assert.Equal(alone, Completed(outcomes[2]).TokenIds);
    }

    [Fact]
    public void A_request_cancelled_before_the_batch_never_runs()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var outcomes = Engine.RunBatch([
            new EngineRequest { Image = new SyntheticPixels(1), Prompt = OdPrompt, Generation = Greedy, CancellationToken = cancel.Token },
            Request(2, OdPrompt, Greedy),
        ]);
        Assert.Equal(EngineOutcomeStatus.Cancelled, outcomes[0].Status);
        Assert.Equal(EngineOutcomeStatus.Completed, outcomes[1].Status);
        Assert.Equal(1, outcomes[1].Result!.Timings.BatchSize); // only admitted requests count
    }

    [Fact]
    public void IgnoreEos_decodes_exactly_the_token_budget()
    {
        var result = Completed(Engine.Run(Request(5, OdPrompt, Greedy with { MaxNewTokens = 17, IgnoreEos = true })));
        Assert.Equal(18, result.TokenIds.Count);
        Assert.Equal(17, result.Timings.DecoderSteps);
    }

    [Fact]
    public void Token_budget_is_capped_by_the_position_table()
    {
        Assert.Equal(1025, Engine.MaxDecoderLength(new GenerationSettings { MaxNewTokens = 1024 }));
        Assert.Equal(1025, Engine.MaxDecoderLength(new GenerationSettings { MaxNewTokens = 5000 }));
        Assert.Equal(11, Engine.MaxDecoderLength(new GenerationSettings { MaxNewTokens = 10 }));
    }

    [Fact]
    public void Decoding_the_whole_position_table_stays_inside_it()
    {
        // 1024 new tokens feed decoder positions 0…1023 — the last index of the table — and never 1024.
        var result = Completed(Engine.Run(Request(6, OdPrompt, Greedy with { MaxNewTokens = 4096, IgnoreEos = true })));
        Assert.Equal(1025, result.TokenIds.Count);
    }

    [Fact]
    public void A_prompt_longer_than_the_encoder_allows_fails_alone()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("car", 600));
        var outcomes = Engine.RunBatch([Request(1, longPrompt, Greedy), Request(2, OdPrompt, Greedy)]);
        Assert.Equal(EngineOutcomeStatus.Failed, outcomes[0].Status);
        var error = Assert.IsType<PromptTooLongException>(outcomes[0].Error);
        Assert.Equal(1024 - 577, error.MaxTokens);
        Assert.Equal(EngineOutcomeStatus.Completed, outcomes[1].Status);
    }

    private static EngineRequest Request(int seed, string prompt, GenerationSettings settings) =>
        new() { Image = new SyntheticPixels(seed), Prompt = prompt, Generation = settings };

    private static EngineResult Completed(EngineOutcome outcome)
    {
        Assert.True(outcome.Status == EngineOutcomeStatus.Completed, $"expected Completed, got {outcome.Status}: {outcome.Error}");
        return outcome.Result!;
    }
}
