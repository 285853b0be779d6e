using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Tokenization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Inference;

public sealed class ScriptedModelTests
{
    [Theory]
    [InlineData("<s>A green car parked in front of a yellow building.", 1)]
    [InlineData("<s>A green car parked in front of a yellow building.", 3)]
    [InlineData("<s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>", 3)]
    public void Decoded_text_equals_the_script(string script, int beams)
    {
        var tokenizer = Florence2Tokenizer.Load(TestAssets.Directory);
        string folder = TestModels.Scripted(tokenizer.EncodeRaw(script));
        using var pool = Florence2EnginePool.Create(ModelFolder.Open(folder), new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance);

        var outcome = pool.Primary.Run(new EngineRequest
        {
            Image = new SyntheticPixels(7),
            Prompt = "Locate the objects with category name in the image.",
            Generation = new GenerationSettings { NumBeams = beams, MaxNewTokens = 64 },
        });

        Assert.Equal(EngineOutcomeStatus.Completed, outcome.Status);
        // The decoder start token decodes as </s>; the script follows; the model then emits EOS.
        Assert.Equal("</s>" + script + "</s>", outcome.Result!.Text);
    }

    [Fact]
    public void Disposing_a_pool_twice_is_harmless()
    {
        var pool = Florence2EnginePool.Create(ModelFolder.Open(TestModels.Tiny), new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance);
        var outcome = pool.Primary.Run(new EngineRequest
        {
            Image = new SyntheticPixels(1),
            Prompt = "What does the image describe?",
            Generation = new GenerationSettings { NumBeams = 2, MaxNewTokens = 4 },
        });
        Assert.Equal(EngineOutcomeStatus.Completed, outcome.Status);
        pool.Dispose();
        pool.Dispose(); // a second release of the native sessions would corrupt the heap and abort the test run
        Assert.Throws<ObjectDisposedException>(() => pool.Primary.Run(new EngineRequest { Image = new SyntheticPixels(1), Prompt = "x" }));
    }
}
