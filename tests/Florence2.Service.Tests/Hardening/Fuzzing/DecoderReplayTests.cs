using System.Diagnostics;
using Florence2.Imaging;

namespace Florence2.Service.Tests.Hardening.Fuzzing;

/// <summary>
/// The fast, deterministic counterpart of <c>tests/hardening/fuzz.sh</c>: every seed plus thousands of mutants go
/// straight into the decode + preprocess pipeline, and only <see cref="ImageRejectedException"/> may escape.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class DecoderReplayTests
{
    private const int Mutations = 20000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    [Fact]
    public void Seeds_are_accepted()
    {
        var target = new DecodePipelineTarget();
        foreach (var (name, bytes) in SeedImages.All())
            Assert.True(target.Run(bytes), $"seed {name} was refused");
    }

    [Fact]
    public void Mutants_are_accepted_or_refused_never_thrown_past_the_decoder()
    {
        var target = new DecodePipelineTarget(preprocess: false);
        var seeds = SeedImages.All().ToArray();
        var mutator = new ByteMutator(seed: 20261127);
        var clock = Stopwatch.StartNew();
        int accepted = 0, refused = 0;
        for (int i = 0; i < Mutations; i++)
        {
            var (name, bytes) = seeds[i % seeds.Length];
            var (mutant, how) = mutator.Mutate(bytes, seeds[(i * 7 + 3) % seeds.Length].Value);
            try
            {
                if (target.Run(mutant)) accepted++;
                else refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutant {i} of {name} ({how}) threw {ex.GetType().Name}: {ex.Message}\nbase64: {Convert.ToBase64String(mutant)}");
            }
        }

        Assert.True(clock.Elapsed < Budget, $"{Mutations} mutants took {clock.Elapsed.TotalSeconds:F1} s (budget {Budget.TotalSeconds} s)");
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}: the mutator should produce both");
    }
}
