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
