using PuppeteerSharp;

namespace Florence2.Service.Tests.SwaggerUi;

/// <summary>
/// Debian's Chromium (<c>apt-get install chromium</c>; <c>.ci/run</c> installs it), driven headless over the DevTools
/// protocol. Nothing is downloaded: the browser is the binary already on the machine.
/// </summary>
public static class Chromium
{
    /// <summary>Names another Chromium binary (then the only one looked for).</summary>
    public const string PathVariable = "FLORENCE2_CHROMIUM";

    private static string[] Candidates => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } chosen
        ? [chosen]
        : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    /// <summary>The binary, or null when the machine has none.</summary>
    public static string? ExecutablePath => Candidates.FirstOrDefault(File.Exists);

    /// <summary>In CI (<c>CI=true</c>) a missing browser is a failure, never a skip.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Missing =>
        $"Chromium not found at {string.Join(" or ", Candidates)}: install Debian's chromium package (apt-get install chromium) " +
        $"or name the binary in {PathVariable}.";

    /// <summary>Starts a headless browser with a fresh profile in <paramref name="profile"/> (the caller deletes it).</summary>
    public static Task<IBrowser> LaunchAsync(string profile) =>
        Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ExecutablePath ?? throw new InvalidOperationException(Missing),
            HeadlessMode = HeadlessMode.True,
            UserDataDir = profile,
            // As root (CI) Chromium needs --no-sandbox; the rest keeps it off a network it can't reach anyway.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
            Timeout = (int)SwaggerUiPage.HangLimit.TotalMilliseconds,
            ProtocolTimeout = (int)SwaggerUiPage.HangLimit.TotalMilliseconds,
        });
}

/// <summary>
/// A test that drives Chromium: skipped with the reason where the machine has no Chromium, except in CI, where it
/// runs and fails loudly. The timeout is a hang detector for the whole test, far above what it needs.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        Timeout = 8 * 60 * 1000;
        if (Chromium.ExecutablePath is null && !Chromium.Required) Skip = Chromium.Missing + " (In CI, CI=true, this test fails instead.)";
    }
}

/// <summary>
/// What a browser test class holds for its tests: a headless Chromium and a scratch folder (its profile and the
/// test's files), both gone at dispose. Without Chromium on the machine there is no browser and <see cref="Browser"/>
/// throws (the <see cref="ChromiumFactAttribute"/> tests have been skipped, or fail in CI).
/// </summary>
public sealed class ChromiumSession : IAsyncDisposable
{
    private readonly IBrowser? _browser;

    private ChromiumSession(string scratch, IBrowser? browser) => (Scratch, _browser) = (scratch, browser);

    /// <summary>The scratch folder, created empty.</summary>
    public string Scratch { get; }

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.Missing);

    /// <summary>Makes the scratch folder, writes the test's <paramref name="files"/> there, and starts the browser.</summary>
    public static async Task<ChromiumSession> StartAsync(string name, IReadOnlyDictionary<string, byte[]> files)
    {
        string scratch = Path.Combine(Path.GetTempPath(), $"florence2-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        foreach (var (file, bytes) in files) await File.WriteAllBytesAsync(Path.Combine(scratch, file), bytes);
        var browser = Chromium.ExecutablePath is null ? null : await Chromium.LaunchAsync(Path.Combine(scratch, "profile"));
        return new ChromiumSession(scratch, browser);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        if (Directory.Exists(Scratch)) Directory.Delete(Scratch, recursive: true);
    }
}
