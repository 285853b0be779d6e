using Florence2.Imaging;

namespace Florence2.Tests.Imaging;

public sealed class PreprocessorSettingsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("f2-preproc-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>The fields of the current onnx-community preprocessor_config.json (spec §3.3), task maps omitted.</summary>
    [Fact]
    public void LoadsThePublishedConfig()
    {
        string path = Write("""
            {
              "crop_size": { "height": 768, "width": 768 }, "do_center_crop": false, "do_convert_rgb": null,
              "do_normalize": true, "do_rescale": true, "do_resize": true,
              "image_mean": [0.485, 0.456, 0.406], "image_processor_type": "CLIPImageProcessor",
              "image_seq_length": 577, "image_std": [0.229, 0.224, 0.225], "processor_class": "Florence2Processor",
              "resample": 3, "rescale_factor": 0.00392156862745098, "size": { "height": 768, "width": 768 }
            }
            """);

        var settings = PreprocessorSettings.Load(path);

        Assert.Equal(768, settings.TargetWidth);
        Assert.Equal(768, settings.TargetHeight);
        Assert.Equal(1.0 / 255.0, settings.RescaleFactor); // the JSON literal is exactly the double 1/255
        Assert.Equal([0.485, 0.456, 0.406], settings.ImageMean);
        Assert.Equal([0.229, 0.224, 0.225], settings.ImageStd);
        Assert.Equal(3 * 768 * 768, settings.TensorLength);
    }

    /// <summary>The old 806-byte file has no rescale_factor; HF and transformers.js both fall back to 1/255.</summary>
    [Fact]
    public void MissingKeysTakeHuggingFaceDefaults()
    {
        string path = Write("""{ "size": { "height": 512, "width": 640 }, "image_mean": [0.5, 0.5, 0.5] }""");

        var settings = PreprocessorSettings.Load(path);

        Assert.Equal(640, settings.TargetWidth);
        Assert.Equal(512, settings.TargetHeight);
        Assert.Equal(1.0 / 255.0, settings.RescaleFactor);
        Assert.Equal([0.5, 0.5, 0.5], settings.ImageMean);
        Assert.Equal(PreprocessorSettings.ImageNetDefaults.ImageStd, settings.ImageStd);
        Assert.Equal(PreprocessorSettings.ImageNetDefaults.TargetWidth, PreprocessorSettings.Load(Write("{}")).TargetWidth);
    }

    [Fact]
    public void DisabledStepsBecomeIdentityNumbers()
    {
        var settings = PreprocessorSettings.Load(Write("""{ "do_rescale": false, "do_normalize": false, "rescale_factor": 0.5 }"""));

        Assert.Equal(1.0, settings.RescaleFactor);
        Assert.Equal([0.0, 0.0, 0.0], settings.ImageMean);
        Assert.Equal([1.0, 1.0, 1.0], settings.ImageStd);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{ "image_std": [0.2, 0.2] }""")]
    [InlineData("""{ "image_std": [0.2, 0, 0.2] }""")]
    [InlineData("""{ "size": { "height": -1, "width": 768 } }""")]
    [InlineData("""{ "rescale_factor": "1/255" }""")]
    public void InvalidConfigsAreRefused(string json)
    {
        Assert.Throws<InvalidDataException>(() => PreprocessorSettings.Load(Write(json)));
    }

    private string Write(string json)
    {
        string path = Path.Combine(directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
