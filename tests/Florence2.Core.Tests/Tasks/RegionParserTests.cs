using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

public sealed class RegionParserTests
{
    [Theory]
    [InlineData("34.24,160.08,597.44,371.76")]
    [InlineData(" 34.24 , 160.08,597.44 ,  371.76 ")]
    [InlineData("3.424e1,160.08,597.44,371.76")]
    public void Pixel_regions_are_read_in_invariant_culture_and_quantized(string input)
    {
        // The spec's round-trip example (§6.3): 640×480, that box → <loc_53><loc_333><loc_933><loc_774>.
        Assert.True(RegionParser.TryParse(input, 640, 480, out var bins, out var problem), problem);
        Assert.Equal("<loc_53><loc_333><loc_933><loc_774>", bins.ToLocTokens());
    }

    [Fact]
    public void The_whole_image_quantizes_to_bins_0_and_999()
    {
        Assert.Equal(new LocationBins(0, 0, 999, 999), RegionParser.Parse("0,0,640,480", 640, 480));
    }

    [Theory]
    [InlineData("<loc_52><loc_332><loc_932><loc_774>", 52, 332, 932, 774)]
    [InlineData("  <loc_0><loc_0><loc_999><loc_999>\n", 0, 0, 999, 999)]
    [InlineData("<loc_5><loc_5><loc_5><loc_5>", 5, 5, 5, 5)]
    public void Four_loc_tokens_are_used_as_they_are(string input, int x1, int y1, int x2, int y2)
    {
        Assert.Equal(new LocationBins(x1, y1, x2, y2), RegionParser.Parse(input, 640, 480));
    }

    [Theory]
    [InlineData("", "The region is empty.")]
    [InlineData("   ", "The region is empty.")]
    [InlineData("1,2,3", "The region has 3 comma-separated values; expected 4.")]
    [InlineData("1,2,3,4,5", "The region has 5 comma-separated values; expected 4.")]
    [InlineData("1;2;3;4", "The region has 1 comma-separated values; expected 4.")]
    [InlineData("1,x,3,4", "Region y1 'x' is not a number.")]
    [InlineData("1,,3,4", "Region y1 '' is not a number.")]
    [InlineData("1,2,3,4px", "Region y2 '4px' is not a number.")]
    [InlineData("NaN,2,3,4", "Region x1 must be a finite number, got NaN.")]
    [InlineData("1,2,Infinity,4", "Region x2 must be a finite number, got Infinity.")]
    [InlineData("-1,2,3,4", "Region x1 (-1) must not be negative.")]
    [InlineData("1,2,641,4", "Region x2 (641) must not exceed the image width (640).")]
    [InlineData("1,2,3,480.5", "Region y2 (480.5) must not exceed the image height (480).")]
    [InlineData("5,2,5,4", "Region x1 (5) must be less than x2 (5).")]
    [InlineData("1,9,3,4", "Region y1 (9) must be less than y2 (4).")]
    [InlineData("<loc_1><loc_2><loc_3>", "The region could not be read.")]
    [InlineData("<loc_1> <loc_2><loc_3><loc_4>", "The region could not be read.")]
    [InlineData("<loc_1><loc_2><loc_3><loc_4><loc_5>", "The region could not be read.")]
    [InlineData("<loc_\u0663><loc_2><loc_3><loc_4>", "The region could not be read.")] // ASCII digits only in user input
    [InlineData("<loc_1><loc_2><loc_1000><loc_4>", "Location token <loc_1000> is out of range; bins go from 0 to 999.")]
    [InlineData("<loc_1><loc_2><loc_99999999999999999999><loc_4>", "Location token <loc_99999999999999999999> is out of range")]
    [InlineData("<loc_9><loc_2><loc_3><loc_4>", "The region <loc_9><loc_2><loc_3><loc_4> is inverted")]
    public void Invalid_regions_get_a_message_naming_the_problem(string input, string expectedStart)
    {
        Assert.False(RegionParser.TryParse(input, 640, 480, out _, out var problem));
        Assert.StartsWith(expectedStart, problem);
        var error = Assert.Throws<PromptValidationException>(() => RegionParser.Parse(input, 640, 480));
        Assert.Equal("region", error.Field);
        Assert.Equal(problem, error.Message);
    }

    [Fact]
    public void Null_input_is_an_empty_region()
    {
        Assert.False(RegionParser.TryParse(null, 640, 480, out _, out var problem));
        Assert.StartsWith("The region is empty.", problem);
    }
}
