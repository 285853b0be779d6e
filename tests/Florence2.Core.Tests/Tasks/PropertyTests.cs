using System.Text;
using Florence2.Tasks;

namespace Florence2.Tests.Tasks;

/// <summary>Deterministic seeded random loops over quantization, region validation and the parsers.</summary>
public sealed class PropertyTests
{
    private const int Cases = 3000;

    [Theory]
    [InlineData(CoordinateFormat.Float64)]
    [InlineData(CoordinateFormat.Float32Reference)]
    public void Quantize_then_dequantize_stays_within_half_a_bin(CoordinateFormat format)
    {
        var random = new Random(20240611);
        for (int i = 0; i < Cases; i++)
        {
            int size = random.Next(1, 20001);
            double value = random.Next(10) == 0 ? random.Next(2) * size : random.NextDouble() * size; // edges too
            int bin = CoordinateQuantizer.Quantize(value, size);
            double back = CoordinateQuantizer.Dequantize(bin, size, format);

            double halfBin = size / 2000.0;
            double slack = format == CoordinateFormat.Float32Reference ? 1e-6 * size : 1e-9 * size; // float32 rounding
            Assert.InRange(bin, 0, 999);
            Assert.True(Math.Abs(back - value) <= halfBin + slack, $"size {size}, value {value:R}, bin {bin}, back {back:R}");
        }
    }

    [Fact]
    public void Region_validation_accepts_valid_boxes_and_their_bins_are_ordered()
    {
        var random = new Random(7);
        for (int i = 0; i < Cases; i++)
        {
            int width = random.Next(1, 10001), height = random.Next(1, 10001);
            (double x1, double x2) = OrderedPair(random, width);
            (double y1, double y2) = OrderedPair(random, height);
            var region = new PixelRegion(x1, y1, x2, y2);

            Assert.Null(RegionValidator.FindProblem(region, width, height));
            LocationBins bins = BoxQuantizer.Quantize(region, width, height);
            Assert.True(bins.X1 <= bins.X2 && bins.Y1 <= bins.Y2, $"{region} on {width}×{height} gave {bins}");
        }
    }

    [Fact]
    public void Region_validation_rejects_every_invalid_box()
    {
        var random = new Random(11);
        double[] nonFinite = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        for (int i = 0; i < Cases; i++)
        {
            int width = random.Next(1, 10001), height = random.Next(1, 10001);
            (double x1, double x2) = OrderedPair(random, width);
            (double y1, double y2) = OrderedPair(random, height);
            double[] c = [x1, y1, x2, y2];
            int axis = random.Next(2); // 0 = x, 1 = y
            int size = axis == 0 ? width : height;
            string expected;
            switch (random.Next(5))
            {
                case 0:
                    int index = random.Next(4);
                    c[index] = nonFinite[random.Next(3)];
                    expected = "must be a finite number";
                    break;
                case 1: // inverted
                    (c[axis], c[axis + 2]) = (c[axis + 2], c[axis]);
                    expected = "must be less than";
                    break;
                case 2: // zero size
                    c[axis + 2] = c[axis];
                    expected = "must be less than";
                    break;
                case 3: // starts left of / above the image
                    c[axis] = -1e-9 - (random.NextDouble() * size);
                    expected = "must not be negative";
                    break;
                default: // ends right of / below the image
                    c[axis + 2] = size + 1e-9 + (random.NextDouble() * size);
                    expected = "must not exceed the image";
                    break;
            }

            string? problem = RegionValidator.FindProblem(new PixelRegion(c[0], c[1], c[2], c[3]), width, height);
            Assert.NotNull(problem);
            Assert.Contains(expected, problem);
        }
    }

    [Fact]
    public void No_parser_throws_on_arbitrary_text_and_results_are_well_formed()
    {
        var random = new Random(42);
        PostProcessingOptions[] options =
        [
            PostProcessingOptions.Default, PostProcessingOptions.PythonReference,
            new() { Coordinates = CoordinateFormat.Float64 }, new() { Coordinates = CoordinateFormat.TruncatedInteger },
        ];
        int withDetections = 0, withLines = 0, withSegments = 0;
        for (int i = 0; i < Cases; i++)
        {
            string text = RandomOutput(random);
            int width = random.Next(1, 5000), height = random.Next(1, 5000);
            foreach (Florence2Task task in TaskCatalog.All)
            {
                PostProcessingOptions option = options[random.Next(options.Length)];
                ParsedGeneration parsed = Florence2PostProcessor.Parse(task, text, width, height, option);
                AssertWellFormed(parsed, text);
                Assert.NotNull(parsed.ToHfDictionary()[task.Token]);
                withDetections += parsed.Result.Detections?.Count > 0 ? 1 : 0;
                withLines += parsed.Result.Lines?.Count > 0 ? 1 : 0;
                withSegments += parsed.Result.Segments?.Count > 0 ? 1 : 0;
            }
        }

        // The generator must reach the interesting paths, or the loop proves nothing.
        Assert.True(withDetections > Cases, $"detections in {withDetections} parses");
        Assert.True(withLines > Cases / 10, $"lines in {withLines} parses");
        Assert.True(withSegments > Cases / 2, $"segments in {withSegments} parses");
    }

    private static void AssertWellFormed(ParsedGeneration parsed, string text)
    {
        TaskResult r = parsed.Result;
        int present = new object?[] { r.Text, r.Detections, r.Lines, r.Segments }.Count(x => x is not null);
        Assert.True(present is 1 or 2, text);
        Assert.All(r.Lines ?? [], line => Assert.Equal(4, line.Quad.Count));
        Assert.All(r.Detections ?? [], d => Assert.All(d.Label, ch => Assert.True(char.IsAscii(ch), text)));
        Assert.All(r.Detections ?? [], d => Assert.True(double.IsFinite(d.Box.X1) && double.IsFinite(d.Box.Y2), text));
        Assert.All(r.Segments ?? [], s => Assert.NotEmpty(s.Polygons));
        Assert.All(r.Segments ?? [], s => Assert.DoesNotContain('\n', s.Label));
        if (r.Text is not null)
        {
            Assert.DoesNotContain("<s>", r.Text);
            Assert.DoesNotContain("</s>", r.Text);
        }
    }

    private static readonly string[] Fragments =
    [
        "<s>", "</s>", "<pad>", "<poly>", "</poly>", "<sep>", "<od>", "</od>", "<obj>", "<", ">", "loc_", "<loc_",
        "car", "a set", "the image", "it", " ", "  ", "\n", "\t", "\u001C", "é", "日本", "🐶", "\uD83D", "{input}", ".*", "\\d",
    ];

    private static readonly string[] Digits = ["0", "7", "42", "999", "1000", "٣", "０", "\u0967", "123456789012345678901234567890", ""];

    private static string RandomOutput(Random random)
    {
        var builder = new StringBuilder();
        int parts = random.Next(0, 40);
        for (int i = 0; i < parts; i++)
        {
            if (random.Next(2) == 0)
            {
                // Runs of loc tokens make the chunk regexes actually match.
                int run = random.Next(1, 10);
                for (int j = 0; j < run; j++)
                {
                    builder.Append("<loc_").Append(Digits[random.Next(Digits.Length)]).Append('>');
                }
            }
            else
            {
                builder.Append(Fragments[random.Next(Fragments.Length)]);
            }
        }

        return builder.ToString();
    }

    private static (double Low, double High) OrderedPair(Random random, int size)
    {
        double a = random.NextDouble() * size, b = random.NextDouble() * size;
        if (random.Next(20) == 0)
        {
            (a, b) = (0, size); // the full extent is valid
        }

        if (a == b)
        {
            (a, b) = (0, size);
        }

        return a < b ? (a, b) : (b, a);
    }
}
