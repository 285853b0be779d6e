using Florence2.Fixtures.Quantization;
using Florence2.Generation;
using Florence2.Inference;
using Florence2.Models;
using Florence2.Provisioning;
using Florence2.Serving;
using Florence2.Tokenization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Tests.Inference;

/// <summary>The engine runs every weight variant the hub ships, alone or mixed per component, greedy and beam.</summary>
public sealed class WeightVariantEngineTests
{
    private const string Script = "<s>car<loc_53><loc_333><loc_933><loc_774>door<loc_712><loc_203><loc_906><loc_545>";

    public static TheoryData<string> Dtypes() => new(
    [
        .. WeightVariants.All,
        // transformers.js' advice for Florence-2 (quantisation-sensitive encoders kept wider), and a mix of everything.
        "fp16;encoder_model=q4;decoder_model_merged=q4",
        "q4f16;vision_encoder=uint8;embed_tokens=int8;encoder_model=bnb4;decoder_model_merged=q8",
    ]);

    [Theory]
    [MemberData(nameof(Dtypes))]
    public void The_scripted_model_decodes_its_script_in_every_dtype_greedy_and_beam(string dtype)
    {
        string folder = ScriptedFolder();
        var model = ModelFolder.Open(folder, ModelPrecision.Parse(dtype));
        using var pool = Florence2EnginePool.Create(model, new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance);

        foreach (int beams in new[] { 1, 3 })
        {
            var outcome = pool.Primary.Run(new EngineRequest
            {
                Image = new SyntheticPixels(7),
                Prompt = "Locate the objects with category name in the image.",
                Generation = new GenerationSettings { NumBeams = beams, MaxNewTokens = 64 },
            });
            Assert.Equal(EngineOutcomeStatus.Completed, outcome.Status);
            Assert.Equal("</s>" + Script + "</s>", outcome.Result!.Text);
        }
    }

    [Fact]
    public void A_folder_holding_only_q4_files_runs_as_q4_and_is_refused_as_fp32()
    {
        string copy = CopyWith(ScriptedFolder(), file => file.EndsWith("_q4.onnx", StringComparison.Ordinal));
        using var cleanup = new DeleteOnDispose(copy);

        using (var pool = Florence2EnginePool.Create(ModelFolder.Open(copy, ModelPrecision.Parse("q4")),
            new InferenceOptions { Provider = ExecutionProviderKind.Cpu }, NullLogger.Instance))
        {
            var outcome = pool.Primary.Run(new EngineRequest
            {
                Image = new SyntheticPixels(3),
                Prompt = "What does the image describe?",
                Generation = new GenerationSettings { NumBeams = 1, MaxNewTokens = 64 },
            });
            Assert.Equal("</s>" + Script + "</s>", outcome.Result!.Text);
        }

        var ex = Assert.Throws<ModelLoadException>(() => ModelFolder.Open(copy));
        Assert.Contains("onnx/vision_encoder.onnx", ex.Message);
    }

    [Fact]
    public async Task Start_up_fails_naming_the_variant_file_a_folder_lacks()
    {
        // Every variant but bnb4 is there; asking for bnb4 on one component must fail before any session opens.
        string copy = CopyWith(ScriptedFolder(), file => !file.Contains("_bnb4", StringComparison.Ordinal));
        using var cleanup = new DeleteOnDispose(copy);
        var settings = new ModelLoadSettings
        {
            LocalPath = copy,
            Source = new ModelSourceOptions { Dtype = "q4;encoder_model=bnb4" },
            Inference = new InferenceOptions { Provider = ExecutionProviderKind.Cpu },
            WarmUp = false,
        };

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => Florence2Model.LoadAsync(settings, TimeProvider.System, NullLoggerFactory.Instance));

        Assert.Contains("onnx/encoder_model_bnb4.onnx", ex.Message);
        Assert.Contains("dtype bnb4", ex.Message);
        Assert.EndsWith("encoder_model_bnb4.onnx", ex.Path);
    }

    /// <summary>Removes a test's private copy of a model folder (the shared cached folders stay).</summary>
    private sealed class DeleteOnDispose(string directory) : IDisposable
    {
        public void Dispose() => Directory.Delete(directory, recursive: true);
    }

    private static string ScriptedFolder() =>
        TestModels.ScriptedWithVariants(Florence2Tokenizer.Load(TestAssets.Directory).EncodeRaw(Script));

    /// <summary>A copy of <paramref name="source"/> with its config files and the ONNX files <paramref name="keepOnnx"/> accepts.</summary>
    private static string CopyWith(string source, Func<string, bool> keepOnnx)
    {
        string copy = Directory.CreateTempSubdirectory("florence2-variants-").FullName;
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (file.EndsWith(".onnx", StringComparison.Ordinal) && !keepOnnx(Path.GetFileName(file))) continue;
            string target = Path.Combine(copy, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }
}
