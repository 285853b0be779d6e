using System.Diagnostics;
using Florence2.Imaging;

namespace Florence2.Service.Tests.Hardening.Fuzzing;

/// <summary>
/// The fast, deterministic counterpart of <c>tests/hardening/fuzz.sh</c>: every seed plus thousands of mutants go
/// straight into the decode + preprocess pipeline, and only <see cref="ImageRejectedException"/> may escape.
/// </summary>
[Collection(HardeningCollection.Name)]
public sealed class DecoderReplayTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Mutations = 20000;

    /// <summary>
    /// A mutant that takes this long is a hang (a decoder loop), the failure fuzz.sh's AFL hang timeout exists for; the
    /// seeds decode in milliseconds, so the bound holds on a machine many times slower or busier. The total time is
    /// reported, not gated.
    /// </summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(5);

    [Fact]
    public void Seeds_are_accepted()
    {
        var target = new DecodePipelineTarget();
        foreach (var (name, bytes) in SeedImages.All())
            Assert.True(target.Run(bytes), $"seed {name} was refused");
    }

    [Fact]
    public void Mutants_are_accepted_or_refused_never_thrown_past_the_decoder() =>
        ReplayMutants([.. SeedImages.All()], Mutations, mutatorSeed: 20261127);

    /// <summary>
    /// The JPEG kinds ImageSharp cannot encode (progressive, arithmetic, 4:4:0, restart markers, CMYK/YCCK) mutated
    /// into the native libjpeg-turbo decoder: a crash there would take the test host down, a loop trips the hang limit.
    /// </summary>
    [Fact]
    public void Jpeg_corpus_mutants_are_accepted_or_refused_never_thrown_past_the_decoder()
    {
        var corpus = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "tests", "jpeg-corpus"), "*.jpg")
            .Where(path => new FileInfo(path).Length < 4096)
            .Order(StringComparer.Ordinal)
            .Select(path => KeyValuePair.Create(Path.GetFileName(path), File.ReadAllBytes(path)))
            .ToArray();

        ReplayMutants(corpus, Mutations / 4, mutatorSeed: 20261202);
    }

    private void ReplayMutants(KeyValuePair<string, byte[]>[] seeds, int mutations, int mutatorSeed)
    {
        var target = new DecodePipelineTarget(preprocess: false);
        var mutator = new ByteMutator(mutatorSeed);
        var total = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        int accepted = 0, refused = 0;
        for (int i = 0; i < mutations; i++)
        {
            var (name, bytes) = seeds[i % seeds.Length];
            var (mutant, how) = mutator.Mutate(bytes, seeds[(i * 7 + 3) % seeds.Length].Value);
            long start = Stopwatch.GetTimestamp();
            try
            {
                if (target.Run(mutant)) accepted++;
                else refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"mutant {i} of {name} ({how}) threw {ex.GetType().Name}: {ex.Message}\nbase64: {Convert.ToBase64String(mutant)}");
            }
            var took = Stopwatch.GetElapsedTime(start);
            if (took > slowest) slowest = took;
            Assert.True(took < HangLimit, $"mutant {i} of {name} ({how}) took {took.TotalSeconds:F1} s: a hang\nbase64: {Convert.ToBase64String(mutant)}");
        }

        output.WriteLine($"{mutations} mutants of {seeds.Length} seeds in {total.Elapsed.TotalSeconds:F1} s (slowest {slowest.TotalMilliseconds:F0} ms); accepted {accepted}, refused {refused}");
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}: the mutator should produce both");
    }
}
