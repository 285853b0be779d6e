using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

/// <summary>MS-PROC <c>_construct_prompts</c> on raw strings (spec §6.2).</summary>
public sealed class RawPromptTests
{
    [Fact]
    public void Every_task_token_alone_or_with_input_builds_the_same_prompt_as_the_structured_builder()
    {
        foreach (Florence2Task task in TaskCatalog.All)
        {
            string input = task.InputKind switch
            {
                TaskInputKind.Text => "a car",
                TaskInputKind.Region => "<loc_52><loc_332><loc_932><loc_774>",
                _ => string.Empty,
            };

            RawPrompt raw = PromptBuilder.BuildFromRawText(task.Token + input);

            Assert.Same(task, raw.Task);
            string expected = task.InputKind switch
            {
                TaskInputKind.Text => PromptBuilder.Build(task, input),
                TaskInputKind.Region => PromptBuilder.Build(task, region: new LocationBins(52, 332, 932, 774)),
                _ => PromptBuilder.Build(task),
            };
            Assert.Equal(expected, raw.Prompt);
        }
    }

    [Fact]
    public void A_space_after_the_token_is_kept_giving_a_double_space()
    {
        RawPrompt raw = PromptBuilder.BuildFromRawText("<CAPTION_TO_PHRASE_GROUNDING> A green car");
        Assert.Equal("Locate the phrases in the caption:  A green car", raw.Prompt);
        Assert.Same(TaskCatalog.PhraseGrounding, raw.Task);
    }

    [Fact]
    public void The_with_input_token_is_removed_wherever_it_occurs()
    {
        Assert.Equal("Locate a cat in the image.", PromptBuilder.BuildFromRawText("a <OPEN_VOCABULARY_DETECTION>cat").Prompt);
        Assert.Equal(
            "Locate cat in the image.",
            PromptBuilder.BuildFromRawText("<OPEN_VOCABULARY_DETECTION>c<OPEN_VOCABULARY_DETECTION>at").Prompt);
    }

    [Fact]
    public void The_first_with_input_token_in_table_order_wins()
    {
        // Grounding precedes open vocabulary in the table; the other token stays in the input.
        RawPrompt raw = PromptBuilder.BuildFromRawText("<OPEN_VOCABULARY_DETECTION><CAPTION_TO_PHRASE_GROUNDING>x");
        Assert.Same(TaskCatalog.PhraseGrounding, raw.Task);
        Assert.Equal("Locate the phrases in the caption: <OPEN_VOCABULARY_DETECTION>x", raw.Prompt);
    }

    [Theory]
    [InlineData("<OD> ")]
    [InlineData(" <OD>")]
    [InlineData("<OD>car")]
    [InlineData("<OD><OD>")]
    [InlineData("<CAPTION_TO_PHRASE_GROUNDING><CAPTION>")]
    public void A_no_input_token_with_anything_else_is_rejected(string raw)
    {
        var error = Assert.Throws<PromptValidationException>(() => PromptBuilder.BuildFromRawText(raw));
        Assert.Equal("text", error.Field);
        Assert.EndsWith("should be the only token in the text.", error.Message);
    }

    [Theory]
    [InlineData("What is this?")]
    [InlineData("<od>")]
    [InlineData("")]
    public void Text_without_a_task_token_passes_through_unchanged(string raw)
    {
        RawPrompt result = PromptBuilder.BuildFromRawText(raw);
        Assert.Null(result.Task);
        Assert.Equal(raw, result.Prompt);
    }

    [Fact]
    public void Ocr_with_region_is_not_mistaken_for_ocr()
    {
        Assert.Same(TaskCatalog.OcrWithRegion, PromptBuilder.BuildFromRawText("<OCR_WITH_REGION>").Task);
        Assert.Same(TaskCatalog.Caption, PromptBuilder.BuildFromRawText("<CAPTION>").Task);
    }
}
