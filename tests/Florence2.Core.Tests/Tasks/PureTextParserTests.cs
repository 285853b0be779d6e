using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

/// <summary>pure_text (spec §10.2): only &lt;s&gt; and &lt;/s&gt; are removed.</summary>
public sealed class PureTextParserTests
{
    [Theory]
    [InlineData("</s><s>A green car.</s>", "A green car.")]
    [InlineData("</s><s><s><s> spaced \n</s>", " spaced \n")] // no trimming
    [InlineData("</s><s>CUDA<pad></s><pad>", "CUDA<pad><pad>")] // <pad> is kept
    [InlineData("car<loc_52><loc_332>", "car<loc_52><loc_332>")]
    [InlineData("", "")]
    [InlineData("<s/><S>", "<s/><S>")]
    public void Removes_bos_and_eos_only(string generated, string expected)
    {
        Assert.Equal(expected, Florence2PostProcessor.ParsePureText(generated));
    }

    [Theory]
    [InlineData("ocr")]
    [InlineData("caption")]
    [InlineData("detailed_caption")]
    [InlineData("more_detailed_caption")]
    [InlineData("region_to_category")]
    [InlineData("region_to_description")]
    [InlineData("region_to_ocr")]
    public void Pure_text_tasks_return_text_only(string name)
    {
        Florence2Task task = TaskCatalog.Find(name);
        var parsed = Florence2PostProcessor.Parse(task, "</s><s>CUDA FOR ENGINEERS</s>", 403, 500);

        Assert.Equal("CUDA FOR ENGINEERS", parsed.Result.Text);
        Assert.Null(parsed.Result.Detections);
        Assert.Null(parsed.Result.Lines);
        Assert.Null(parsed.Result.Segments);
        Assert.Equal($$"""{"{{task.Token}}":"CUDA FOR ENGINEERS"}""", TaskAssert.Json(parsed.ToHfDictionary()));
    }
}
