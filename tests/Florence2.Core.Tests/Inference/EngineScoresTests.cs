using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Tasks;
using Florence2.Tokenization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Inference;

/// <summary>Transition log-probabilities and scores on the real engine with fixture models.</summary>
[Collection(TinyEngineCollection.Name)]
public sealed class EngineScoresTests(TinyEngineFixture model)
{
    private const string OdPrompt = "Locate the objects with category name in the image.";
    private const string CaptionPrompt = "What does the image describe?";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Log_probs_in_a_batch_equal_those_alone(int beams)
    {
        var settings = new GenerationSettings { NumBeams = beams, MaxNewTokens = 20 };
        EngineRequest[] requests =
        [
            Request(21, OdPrompt, settings),
            Request(22, CaptionPrompt, settings with { MaxNewTokens = 9 }),
            Request(23, OdPrompt, settings with { MaxNewTokens = 14 }),
        ];
        var alone = requests.Select(r => Completed(model.Engine.Run(r))).ToArray();
        var batched = model.Engine.RunBatch(requests).Select(Completed).ToArray();

        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Equal(alone[i].TokenIds, batched[i].TokenIds);
            Assert.Equal(alone[i].TokenIds.Skip(1), batched[i].Tokens.Select(t => t.Id));
            Assert.Equal(alone[i].Tokens.Count, batched[i].Tokens.Count);
            for (int t = 0; t < alone[i].Tokens.Count; t++)
            {
                if (beams == 1)
                    Assert.Equal(alone[i].Tokens[t].LogProb, batched[i].Tokens[t].LogProb); // exactly
                else
                    Assert.Equal(alone[i].Tokens[t].LogProb, batched[i].Tokens[t].LogProb, 1e-5);
            }
            Assert.Equal(alone[i].SequenceScore!.Value, batched[i].SequenceScore!.Value, beams == 1 ? 0 : 1e-5);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Every_generated_token_has_its_text_and_a_log_prob(int beams)
    {
        var result = Completed(model.Engine.Run(Request(5, OdPrompt, new GenerationSettings { NumBeams = beams, MaxNewTokens = 16 })));

        Assert.Equal(result.TokenIds.Count - 1, result.Tokens.Count);
        Assert.Equal("<s>", result.Tokens[0].Text);
        Assert.Equal(0f, result.Tokens[0].LogProb); // forced <s>
        Assert.All(result.Tokens, t => Assert.True(t.LogProb <= 0 && float.IsFinite(t.LogProb)));
        Assert.All(result.Tokens, t => Assert.Equal(model.Engine.Tokenizer.DecodeToken(t.Id), t.Text));
        double expected = beams == 1
            ? result.Tokens.Average(t => (double)t.LogProb)
            : result.Tokens.Sum(t => (double)t.LogProb) / result.Tokens.Count;
        Assert.Equal(expected, result.SequenceScore!.Value, 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_scripted_output_scores_near_1(int beams)
    {
        const string script = "<s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>";
        var tokenizer = Florence2Tokenizer.Load(TestAssets.Directory);
        using var pool = Florence2EnginePool.Create(ModelFolder.Open(TestModels.Scripted(tokenizer.EncodeRaw(script))),
            new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance);

        var result = Completed(pool.Primary.Run(Request(7, OdPrompt, new GenerationSettings { NumBeams = beams, MaxNewTokens = 64 })));
        var detections = Florence2PostProcessor.Parse(TaskCatalog.ObjectDetection, result.Text, 640, 480, tokens: result.Tokens).Result.Detections!;

        Assert.Equal(["car", "door"], detections.Select(d => d.Label));
        Assert.All(detections, d => Assert.InRange(d.Score!.Value, 0.999, 1.0));
        Assert.All(detections, d => Assert.InRange(d.LabelScore!.Value, 0.999, 1.0));
        Assert.InRange(result.SequenceScore!.Value, Math.Log(0.999), 0);
    }

    private static EngineRequest Request(int seed, string prompt, GenerationSettings settings) =>
        new() { Image = new SyntheticPixels(seed), Prompt = prompt, Generation = settings };

    private static EngineResult Completed(EngineOutcome outcome)
    {
        Assert.True(outcome.Status == EngineOutcomeStatus.Completed, $"{outcome.Status}: {outcome.Error}");
        return outcome.Result!;
    }
}
