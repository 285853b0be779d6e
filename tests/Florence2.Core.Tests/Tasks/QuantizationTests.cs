using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

public sealed class QuantizationTests
{
    [Fact]
    public void Float32_reference_rounds_the_bin_size_first_then_the_product()
    {
        // Spec §15.1: bin 287, W = 403 → 115.86249542236328 exactly; double math gives 115.86250000000001.
        Assert.Equal(115.86249542236328, CoordinateQuantizer.Dequantize(287, 403, CoordinateFormat.Float32Reference));
        Assert.Equal(115.86250000000001, CoordinateQuantizer.Dequantize(287, 403, CoordinateFormat.Float64));
        Assert.Equal(115, CoordinateQuantizer.Dequantize(287, 403, CoordinateFormat.TruncatedInteger));
    }

    [Fact]
    public void Ocr_golden_corner_matches_the_python_float32_value_bit_for_bit()
    {
        Assert.Equal(167.0435028076172, CoordinateQuantizer.Dequantize(414, 403, CoordinateFormat.Float32Reference));
        Assert.Equal(375.7974853515625, CoordinateQuantizer.Dequantize(932, 403, CoordinateFormat.Float32Reference));
    }

    [Theory]
    [InlineData(0, 1, 0.0005000000237487257)]
    [InlineData(999, 1, 0.999500036239624)]
    [InlineData(0, 10000, 5.0)]
    [InlineData(999, 10000, 9995.0)]
    [InlineData(0, 10, 0.004999999888241291)]
    [InlineData(999, 10, 9.994999885559082)]
    public void Extreme_bins_on_extreme_image_sizes(int bin, int size, double expected)
    {
        Assert.Equal(expected, CoordinateQuantizer.Dequantize(bin, size, CoordinateFormat.Float32Reference));
        TaskAssert.Close((bin + 0.5) * size / 1000, CoordinateQuantizer.Dequantize(bin, size, CoordinateFormat.Float64));
    }

    [Fact]
    public void Truncation_is_toward_zero_and_bins_are_not_clamped_on_dequantize()
    {
        Assert.Equal(0, CoordinateQuantizer.Dequantize(0, 10, CoordinateFormat.TruncatedInteger));
        Assert.Equal(9, CoordinateQuantizer.Dequantize(999, 10, CoordinateFormat.TruncatedInteger));
        Assert.Equal(1500.5, CoordinateQuantizer.Dequantize(1500, 1000, CoordinateFormat.Float32Reference));
    }

    [Theory]
    [InlineData(0.0, 640, 0)]
    [InlineData(0.6399, 640, 0)]
    [InlineData(0.64, 640, 1)]
    [InlineData(639.99, 640, 999)]
    [InlineData(640.0, 640, 999)] // the right edge clamps into the last bin
    [InlineData(-5.0, 640, 0)] // clamped, as in the reference
    [InlineData(1e9, 640, 999)]
    [InlineData(0.5, 1, 500)]
    [InlineData(9999.0, 10000, 999)]
    [InlineData(9.99, 10, 999)]
    public void Quantize_floors_and_clamps(double value, int size, int expected)
    {
        Assert.Equal(expected, CoordinateQuantizer.Quantize(value, size));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Quantize_refuses_non_finite_values(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CoordinateQuantizer.Quantize(value, 640));
    }

    [Fact]
    public void Non_positive_sizes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CoordinateQuantizer.Quantize(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoordinateQuantizer.Dequantize(1, -1, CoordinateFormat.Float64));
    }

    [Fact]
    public void Box_round_trip_of_the_spec_example()
    {
        var bins = BoxQuantizer.Quantize(new PixelRegion(34.24, 160.08, 597.44, 371.76), 640, 480);
        Assert.Equal(new LocationBins(53, 333, 933, 774), bins);
        TaskAssert.Box([34.24, 160.08, 597.44, 371.76], BoxQuantizer.Dequantize(bins, 640, 480, CoordinateFormat.Float32Reference));
    }

    [Fact]
    public void Region_validator_accepts_the_whole_image_and_reports_the_image_size_problem()
    {
        Assert.Null(RegionValidator.FindProblem(new PixelRegion(0, 0, 640, 480), 640, 480));
        Assert.Equal("The image size 0×480 is not valid.", RegionValidator.FindProblem(new PixelRegion(0, 0, 1, 1), 0, 480));
        var error = Assert.Throws<PromptValidationException>(
            () => RegionValidator.EnsureValid(new PixelRegion(0, 0, 0, 1), 640, 480));
        Assert.Equal("Region x1 (0) must be less than x2 (0).", error.Message);
    }

    [Theory]
    [InlineData("<loc_٣>", 3)]
    [InlineData("<loc_０７>", 7)] // fullwidth digits are Unicode decimal digits too
    [InlineData("<loc_99999999999999999999999999999>", int.MaxValue)]
    [InlineData("<loc_2147483647>", int.MaxValue)]
    [InlineData("<loc_2147483648>", int.MaxValue)]
    [InlineData("<loc_000123>", 123)]
    public void Loc_numbers_accept_unicode_digits_and_saturate(string token, int expected)
    {
        string digits = token["<loc_".Length..^1];
        Assert.Equal(expected, LocNumber.Parse(digits));
    }
}
