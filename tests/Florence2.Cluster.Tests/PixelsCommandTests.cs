using System.Security.Cryptography;
using Florence2.Tests;

namespace Florence2.Cluster.Tests;

/// <summary>
/// <c>florence2 pixels</c> as a user runs it to compare with Python: the files it writes hash to what Pillow and HF's
/// processor produce for the same JPEG (the hashes committed in tests/jpeg-corpus/pillow.tsv), and a refused image is
/// the service's message with exit 1.
/// </summary>
public sealed class PixelsCommandTests
{
    private const string Photo = "tests/jpeg-corpus/photo-420-q85-256x192.jpg";

    [Fact]
    public async Task Writes_the_rgb_bytes_and_the_tensor_that_python_computes()
    {
        string[] pillow = RepositoryRoot.ReadText("tests/jpeg-corpus/pillow.tsv").Split('\n').Single(l => l.StartsWith("photo-420-q85-256x192.jpg\t", StringComparison.Ordinal)).Split('\t');
        string folder = Directory.CreateTempSubdirectory("florence2-pixels-").FullName;
        string rgb = Path.Combine(folder, "photo.rgb"), tensor = Path.Combine(folder, "photo.f32");

        var (exit, output) = await RunAsync(["pixels", RepositoryRoot.File(Photo), "--rgb-out", rgb, "--tensor-out", tensor]);

        Assert.True(exit == 0, output);
        Assert.Equal(256 * 192 * 3, new FileInfo(rgb).Length);
        Assert.Equal(pillow[5], Sha256(rgb));
        Assert.Equal(3 * 768 * 768 * sizeof(float), new FileInfo(tensor).Length);
        Assert.Equal(pillow[6], Sha256(tensor));
        Assert.Contains($"sha256 {pillow[5]}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_image_is_the_services_message_and_exit_1()
    {
        string rgb = Path.Combine(Directory.CreateTempSubdirectory("florence2-pixels-").FullName, "none.rgb");

        var (exit, output) = await RunAsync(["pixels", RepositoryRoot.File("tests/jpeg-corpus/refused-truncated-baseline.jpg"), "--rgb-out", rgb]);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Contains("error: The JPEG image is truncated", output, StringComparison.Ordinal);
        Assert.False(File.Exists(rgb));
    }

    [Fact]
    public async Task Help_describes_the_files_it_writes()
    {
        var (exit, output) = await RunAsync(["pixels", "--help"]);

        Assert.True(exit == 0, output);
        Assert.Contains("florence2 pixels IMAGE --rgb-out FILE [--tensor-out FILE]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_rgb_out_it_is_a_command_line_error()
    {
        var (exit, output) = await RunAsync(["pixels", RepositoryRoot.File(Photo)]);

        Assert.True(exit == 2, $"exit {exit}: {output}");
        Assert.Contains("error: missing --rgb-out", output, StringComparison.Ordinal);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static async Task<(int Exit, string Output)> RunAsync(string[] args)
    {
        using var cli = new ChildProcess("florence2", "dotnet", [RepositoryPaths.CliDll, .. args]);
        Assert.True(await cli.WaitForExitAsync(Eventually.DefaultLimit), cli.Tail());
        return (cli.ExitCode, string.Join('\n', cli.Output));
    }
}
