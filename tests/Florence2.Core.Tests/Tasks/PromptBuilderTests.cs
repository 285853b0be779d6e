using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

public sealed class PromptBuilderTests
{
    private static readonly LocationBins Region = new(52, 332, 932, 774);

    [Theory]
    [InlineData("ocr", "What is the text in the image?")]
    [InlineData("ocr_with_region", "What is the text in the image, with regions?")]
    [InlineData("caption", "What does the image describe?")]
    [InlineData("detailed_caption", "Describe in detail what is shown in the image.")]
    [InlineData("more_detailed_caption", "Describe with a paragraph what is shown in the image.")]
    [InlineData("od", "Locate the objects with category name in the image.")]
    [InlineData("dense_region_caption", "Locate the objects in the image, with their descriptions.")]
    [InlineData("region_proposal", "Locate the region proposals in the image.")]
    public void Tasks_without_input_use_their_fixed_prompt(string name, string expected)
    {
        Assert.Equal(expected, PromptBuilder.Build(TaskCatalog.Find(name)));
    }

    [Theory]
    [InlineData("phrase_grounding", "A green car", "Locate the phrases in the caption: A green car")]
    [InlineData("referring_expression_segmentation", "a car", "Locate a car in the image with mask")]
    [InlineData("open_vocabulary_detection", "cat", "Locate cat in the image.")]
    [InlineData("open_vocabulary_detection", " cat ", "Locate  cat  in the image.")] // never trimmed
    [InlineData("open_vocabulary_detection", "{input} {0}", "Locate {input} {0} in the image.")] // braces inserted literally
    public void Text_tasks_substitute_the_text_verbatim(string name, string text, string expected)
    {
        Assert.Equal(expected, PromptBuilder.Build(TaskCatalog.Find(name), text));
    }

    [Theory]
    [InlineData("region_to_segmentation", "What is the polygon mask of region <loc_52><loc_332><loc_932><loc_774>")]
    [InlineData("region_to_category", "What is the region <loc_52><loc_332><loc_932><loc_774>?")]
    [InlineData("region_to_description", "What does the region <loc_52><loc_332><loc_932><loc_774> describe?")]
    [InlineData("region_to_ocr", "What text is in the region <loc_52><loc_332><loc_932><loc_774>?")]
    public void Region_tasks_substitute_four_loc_tokens(string name, string expected)
    {
        Assert.Equal(expected, PromptBuilder.Build(TaskCatalog.Find(name), region: Region));
    }

    [Theory]
    [InlineData("od")]
    [InlineData("caption")]
    [InlineData("region_to_category")]
    public void Text_given_to_a_task_that_takes_no_text_is_rejected(string name)
    {
        var error = Assert.Throws<PromptValidationException>(() => PromptBuilder.Build(TaskCatalog.Find(name), "car"));
        Assert.Equal("text", error.Field);
        Assert.Contains($"'{name}' takes no text", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_text_is_rejected_where_needed(string? text)
    {
        var error = Assert.Throws<PromptValidationException>(() => PromptBuilder.Build(TaskCatalog.PhraseGrounding, text));
        Assert.Equal("text", error.Field);
        Assert.Equal("Task 'phrase_grounding' needs a non-empty text input.", error.Message);
    }

    [Fact]
    public void Empty_text_counts_as_absent_for_tasks_without_input()
    {
        Assert.Equal("What does the image describe?", PromptBuilder.Build(TaskCatalog.Caption, string.Empty));
    }

    [Theory]
    [InlineData("od")]
    [InlineData("open_vocabulary_detection")]
    public void Region_given_to_a_task_that_takes_none_is_rejected(string name)
    {
        var error = Assert.Throws<PromptValidationException>(() => PromptBuilder.Build(TaskCatalog.Find(name), region: Region));
        Assert.Equal("region", error.Field);
        Assert.Contains($"'{name}' takes no region", error.Message);
    }

    [Fact]
    public void Missing_region_is_rejected_where_needed()
    {
        var error = Assert.Throws<PromptValidationException>(() => PromptBuilder.Build(TaskCatalog.RegionToOcr));
        Assert.Equal("region", error.Field);
        Assert.Equal("Task 'region_to_ocr' needs a region.", error.Message);
    }

    [Theory]
    [InlineData("region_to_category", "text")]
    [InlineData("phrase_grounding", "region")]
    [InlineData("od", "region")]
    public void Text_and_region_together_are_rejected_naming_the_field_the_task_does_not_take(string name, string field)
    {
        var error = Assert.Throws<PromptValidationException>(() => PromptBuilder.Build(TaskCatalog.Find(name), "car", Region));
        Assert.Equal(field, error.Field);
        Assert.StartsWith("Give either text or a region, not both", error.Message);
    }

    [Fact]
    public void Whitespace_only_text_is_kept_like_the_reference()
    {
        Assert.Equal("Locate   in the image.", PromptBuilder.Build(TaskCatalog.OpenVocabularyDetection, " "));
    }
}
