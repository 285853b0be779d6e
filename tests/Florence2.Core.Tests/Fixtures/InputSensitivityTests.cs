using Florence2.Generation;
using Florence2.Inference;
using Florence2.Tests.Inference;

namespace Florence2.Tests.Fixtures;

/// <summary>
/// The tiny fixture's greedy output depends on every input within a short budget, so a test that compares two
/// outputs can fail when an input is lost or replaced on the way to the model. (It once did not: different images,
/// texts and regions all gave the same text.) Each check allows one chance collision among its inputs — a random
/// 16-wide model maps two inputs to the same tokens now and then — but an input the model ignores gives one output.
/// </summary>
[Collection(TinyEngineCollection.Name)]
public sealed class InputSensitivityTests(TinyEngineFixture model)
{
    private const string OdPrompt = "Locate the objects with category name in the image.";
    private const int ImageSeed = 7;

    private static readonly GenerationSettings EightGreedyTokens = new() { NumBeams = 1, MaxNewTokens = 8 };

    [Fact]
    public void Different_images_give_different_outputs()
    {
        var outputs = Enumerable.Range(1, 8).Select(seed => Greedy(seed, OdPrompt)).ToList();

        AssertNearlyAllDistinct(outputs, "images 1…8 with the <OD> prompt");
    }

    [Theory]
    [InlineData("Locate the phrases in the caption: {0}")] // the input ends the prompt
    [InlineData("Locate {0} in the image with mask")]       // the input is followed by template words
    public void Different_texts_give_different_outputs(string template)
    {
        string[] texts = ["a car", "a green car", "a red car", "a dog", "two people", "the house", "a cat on a mat", "a tree"];

        var outputs = texts.Select(text => Greedy(ImageSeed, string.Format(null, template, text))).ToList();

        AssertNearlyAllDistinct(outputs, $"texts in \"{template}\"");
    }

    [Fact]
    public void Changing_any_one_coordinate_of_a_region_changes_the_output()
    {
        int[] region = [100, 200, 600, 600];
        var regions = new List<int[]> { region };
        for (int coordinate = 0; coordinate < 4; coordinate++)
        {
            int[] moved = (int[])region.Clone();
            moved[coordinate] += 1; // one bin: the smallest change a region can have
            regions.Add(moved);
        }

        var outputs = regions.Select(r => Greedy(ImageSeed, $"What does the region {LocTokens(r)} describe?")).ToList();

        Assert.Equal(regions.Count, outputs.Distinct().Count());
    }

    [Fact]
    public void Different_regions_give_different_outputs()
    {
        var random = new Random(5);
        var regions = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 4).Select(_ => random.Next(1000)).ToArray()).ToList();

        var outputs = regions.Select(r => Greedy(ImageSeed, $"What is the polygon mask of region {LocTokens(r)}")).ToList();

        AssertNearlyAllDistinct(outputs, "random regions");
    }

    private string Greedy(int imageSeed, string prompt)
    {
        var outcome = model.Engine.Run(new EngineRequest { Image = new SyntheticPixels(imageSeed), Prompt = prompt, Generation = EightGreedyTokens });
        Assert.True(outcome.Status == EngineOutcomeStatus.Completed, $"expected Completed, got {outcome.Status}: {outcome.Error}");
        return string.Join(' ', outcome.Result!.TokenIds);
    }

    private static string LocTokens(int[] bins) => string.Concat(bins.Select(b => $"<loc_{b}>"));

    /// <summary>At most one pair of the inputs may collide; an ignored input makes them all collide.</summary>
    private static void AssertNearlyAllDistinct(IReadOnlyList<string> outputs, string inputs)
    {
        int distinct = outputs.Distinct().Count();
        Assert.True(distinct >= outputs.Count - 1,
            $"{outputs.Count} {inputs} gave only {distinct} distinct greedy outputs:\n{string.Join('\n', outputs)}");
    }
}
