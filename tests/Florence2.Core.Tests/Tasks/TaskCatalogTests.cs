using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

public sealed class TaskCatalogTests
{
    [Fact]
    public void Has_the_fifteen_tasks_in_processor_table_order()
    {
        Assert.Equal(
            [
                "<OCR>", "<OCR_WITH_REGION>", "<CAPTION>", "<DETAILED_CAPTION>", "<MORE_DETAILED_CAPTION>", "<OD>",
                "<DENSE_REGION_CAPTION>", "<REGION_PROPOSAL>", "<CAPTION_TO_PHRASE_GROUNDING>",
                "<REFERRING_EXPRESSION_SEGMENTATION>", "<REGION_TO_SEGMENTATION>", "<OPEN_VOCABULARY_DETECTION>",
                "<REGION_TO_CATEGORY>", "<REGION_TO_DESCRIPTION>", "<REGION_TO_OCR>",
            ],
            TaskCatalog.All.Select(t => t.Token));
    }

    [Theory]
    [InlineData("od", "<OD>", TaskInputKind.None, PostProcessingType.DescriptionWithBboxes, TaskFamily.Detect)]
    [InlineData("dense_region_caption", "<DENSE_REGION_CAPTION>", TaskInputKind.None, PostProcessingType.DescriptionWithBboxes, TaskFamily.Detect)]
    [InlineData("region_proposal", "<REGION_PROPOSAL>", TaskInputKind.None, PostProcessingType.Bboxes, TaskFamily.Detect)]
    [InlineData("open_vocabulary_detection", "<OPEN_VOCABULARY_DETECTION>", TaskInputKind.Text, PostProcessingType.DescriptionWithBboxesOrPolygons, TaskFamily.Detect)]
    [InlineData("phrase_grounding", "<CAPTION_TO_PHRASE_GROUNDING>", TaskInputKind.Text, PostProcessingType.PhraseGrounding, TaskFamily.Detect)]
    [InlineData("caption", "<CAPTION>", TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Caption)]
    [InlineData("detailed_caption", "<DETAILED_CAPTION>", TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Caption)]
    [InlineData("more_detailed_caption", "<MORE_DETAILED_CAPTION>", TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Caption)]
    [InlineData("region_to_category", "<REGION_TO_CATEGORY>", TaskInputKind.Region, PostProcessingType.PureText, TaskFamily.Caption)]
    [InlineData("region_to_description", "<REGION_TO_DESCRIPTION>", TaskInputKind.Region, PostProcessingType.PureText, TaskFamily.Caption)]
    [InlineData("ocr", "<OCR>", TaskInputKind.None, PostProcessingType.PureText, TaskFamily.Ocr)]
    [InlineData("ocr_with_region", "<OCR_WITH_REGION>", TaskInputKind.None, PostProcessingType.Ocr, TaskFamily.Ocr)]
    [InlineData("region_to_ocr", "<REGION_TO_OCR>", TaskInputKind.Region, PostProcessingType.PureText, TaskFamily.Ocr)]
    [InlineData("referring_expression_segmentation", "<REFERRING_EXPRESSION_SEGMENTATION>", TaskInputKind.Text, PostProcessingType.Polygons, TaskFamily.Segment)]
    [InlineData("region_to_segmentation", "<REGION_TO_SEGMENTATION>", TaskInputKind.Region, PostProcessingType.Polygons, TaskFamily.Segment)]
    public void Each_task_has_its_token_input_parser_and_family(
        string name, string token, TaskInputKind input, PostProcessingType postProcessing, TaskFamily family)
    {
        Assert.True(TaskCatalog.TryFind(name, out var byName));
        Assert.True(TaskCatalog.TryFind(token, out var byToken));
        Assert.Same(byName, byToken);
        Assert.Equal(name, byName.Name);
        Assert.Equal(token, byName.Token);
        Assert.Equal(input, byName.InputKind);
        Assert.Equal(postProcessing, byName.PostProcessing);
        Assert.Equal(family, byName.Family);
    }

    [Fact]
    public void Templates_hold_a_placeholder_exactly_when_the_task_takes_input()
    {
        foreach (Florence2Task task in TaskCatalog.All)
        {
            int placeholders = task.PromptTemplate.Split(Florence2Task.InputPlaceholder).Length - 1;
            Assert.Equal(task.TakesInput ? 1 : 0, placeholders);
        }
    }

    [Fact]
    public void Descriptions_are_single_non_empty_lines_and_names_are_unique()
    {
        Assert.All(TaskCatalog.All, t => Assert.False(string.IsNullOrWhiteSpace(t.Description)));
        Assert.All(TaskCatalog.All, t => Assert.DoesNotContain('\n', t.Description));
        Assert.Equal(15, TaskCatalog.All.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Theory]
    [InlineData("OD", "od")]
    [InlineData("Phrase_Grounding", "phrase_grounding")]
    [InlineData("OCR_WITH_REGION", "ocr_with_region")]
    public void Friendly_names_are_case_insensitive(string input, string expectedName)
    {
        Assert.True(TaskCatalog.TryFind(input, out var task));
        Assert.Equal(expectedName, task.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("<od>")] // tokens are exact, like the Python processor's lookups
    [InlineData("<Caption>")]
    [InlineData("detect")]
    [InlineData(" od")]
    public void Unknown_names_and_miscased_tokens_are_not_found(string? input)
    {
        Assert.False(TaskCatalog.TryFind(input, out var task));
        Assert.Null(task);
    }

    [Fact]
    public void Find_lists_the_valid_names_when_the_task_is_unknown()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => TaskCatalog.Find("segment"));
        Assert.Contains("region_to_segmentation", error.Message);
        Assert.Same(TaskCatalog.ObjectDetection, TaskCatalog.Find("od"));
    }
}
