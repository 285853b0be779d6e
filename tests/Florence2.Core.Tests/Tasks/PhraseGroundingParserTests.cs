using Florence2.Tasks;
using static Florence2.Tests.Tasks.TaskAssert;

namespace Florence2.Tests.Tasks;

/// <summary>phrase_grounding edge cases (spec §10.5).</summary>
public sealed class PhraseGroundingParserTests
{
    private static readonly Florence2Task Grounding = TaskCatalog.PhraseGrounding;

    [Theory]
    [InlineData("the image")]
    [InlineData("it")]
    [InlineData("a set")]
    [InlineData("I")]
    [InlineData("each other")]
    [InlineData("other objects")]
    public void Blacklisted_phrases_are_dropped(string phrase)
    {
        Detections(
            [("a dog", [5.5, 6.5, 7.5, 8.5])],
            Parse(Grounding, $"</s><s>{phrase}<loc_1><loc_2><loc_3><loc_4>a dog<loc_5><loc_6><loc_7><loc_8></s>").Detections);
    }

    [Fact]
    public void Blacklist_match_is_on_the_stripped_label_exact_and_case_sensitive()
    {
        Detections(
            [("A set", [1.5, 2.5, 3.5, 4.5]), ("The image", [5.5, 6.5, 7.5, 8.5])],
            Parse(Grounding, " it <loc_9><loc_9><loc_9><loc_9>A set<loc_1><loc_2><loc_3><loc_4>The image<loc_5><loc_6><loc_7><loc_8>").Detections);
    }

    [Fact]
    public void The_blacklist_is_checked_before_non_ascii_characters_are_dropped()
    {
        // "the imageé" is not blacklisted; removing the é afterwards yields the label "the image".
        Detections([("the image", [1.5, 2.5, 3.5, 4.5])], Parse(Grounding, "the imageé" + Box1To4).Detections);
    }

    [Fact]
    public void A_phrase_keeps_all_its_boxes_flattened_in_order()
    {
        Detections(
            [("wheels", [1.5, 2.5, 3.5, 4.5]), ("wheels", [5.5, 6.5, 7.5, 8.5]), ("a car", [9.5, 9.5, 9.5, 9.5])],
            Parse(Grounding, "wheels<loc_1><loc_2><loc_3><loc_4><loc_5><loc_6><loc_7><loc_8><loc_9>a car<loc_9><loc_9><loc_9><loc_9>").Detections);
    }

    [Fact]
    public void A_space_only_label_is_not_blacklisted_and_stays_empty()
    {
        Detections([("", [1.5, 2.5, 3.5, 4.5])], Parse(Grounding, "  " + Box1To4).Detections);
    }

    [Fact]
    public void Blacklist_holds_the_reference_words()
    {
        Assert.Equal(72, PhraseGroundingParser.Blacklist.Count);
        Assert.Contains("themselves", (IReadOnlySet<string>)PhraseGroundingParser.Blacklist);
        Assert.DoesNotContain("car", (IReadOnlySet<string>)PhraseGroundingParser.Blacklist);
    }
}
