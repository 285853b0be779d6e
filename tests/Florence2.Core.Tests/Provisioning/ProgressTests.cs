using System.Text.RegularExpressions;
using Florence2.Provisioning;
using Microsoft.Extensions.Time.Testing;

namespace Florence2.Tests.Provisioning;

public sealed class ProgressTests
{
    [Fact]
    public void Progress_is_logged_at_most_once_per_interval_with_bytes_percent_and_rate()
    {
        var time = new FakeTimeProvider();
        var log = new CapturingLogger();
        var progress = new DownloadProgress(log, time, TimeSpan.FromSeconds(5), "onnx/x.onnx", totalBytes: 10_000_000, startingBytes: 0);

        progress.Report(1_000_000);
        time.Advance(TimeSpan.FromSeconds(4));
        progress.Report(2_000_000);
        Assert.Empty(log.Lines);

        time.Advance(TimeSpan.FromSeconds(1));
        progress.Report(5_000_000);
        time.Advance(TimeSpan.FromSeconds(2));
        progress.Report(6_000_000);
        time.Advance(TimeSpan.FromSeconds(3));
        progress.Report(7_000_000);

        Assert.Equal(
        [
            "Downloading onnx/x.onnx: 5000000/10000000 bytes (50.0%) at 1.00 MB/s",
            "Downloading onnx/x.onnx: 7000000/10000000 bytes (70.0%) at 0.40 MB/s",
        ], log.Lines.Select(l => l.Message));
    }

    [Fact]
    public void A_resumed_download_counts_only_new_bytes_in_its_rate()
    {
        var time = new FakeTimeProvider();
        var log = new CapturingLogger();
        var progress = new DownloadProgress(log, time, TimeSpan.FromSeconds(5), "f", totalBytes: 8_000_000, startingBytes: 6_000_000);

        time.Advance(TimeSpan.FromSeconds(10));
        progress.Report(8_000_000);

        Assert.Equal("Downloading f: 8000000/8000000 bytes (100.0%) at 0.20 MB/s", Assert.Single(log.Lines).Message);
    }

    [Fact]
    public async Task A_download_logs_progress_on_the_injected_clock()
    {
        await using var scenario = ProvisioningScenario.Start();
        // Every clock reading moves time on by a second, so progress falls due every few reads of the body.
        var time = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        var options = scenario.Options();
        options.DownloadTimeoutSeconds = 100_000; // the stall timer runs on the same fake clock

        await scenario.Provisioner(time).EnsureModelAsync(options).WaitAsync(TimeSpan.FromSeconds(60));

        var lines = scenario.Log.WithEvent(ProvisioningEvents.Progress)
            .Where(l => l.Message.Contains(ProvisioningScenario.DecoderFile, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        var percents = lines.Select(l => double.Parse(Regex.Match(l.Message, @"\(([\d.]+)%\)").Groups[1].Value)).ToList();
        Assert.Equal(percents.Order(), percents);
        Assert.All(percents, p => Assert.InRange(p, 0, 100));
        Assert.All(lines, l => Assert.Matches(@"at [\d.]+ MB/s$", l.Message));
    }
}
