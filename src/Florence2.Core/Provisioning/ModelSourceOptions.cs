using Florence2.Models;

namespace Florence2.Provisioning;

/// <summary>
/// Where the model comes from and where it is cached, like <c>from_pretrained</c>'s arguments. Bound by the host from
/// the configuration section <see cref="SectionName"/> (env <c>Florence2__Model__Repository</c> …).
/// </summary>
public sealed class ModelSourceOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Florence2:Model";

    /// <summary>The hub repository, <c>owner/name</c>. Default <c>onnx-community/Florence-2-base-ft</c>.</summary>
    public string Repository { get; set; } = "onnx-community/Florence-2-base-ft";

    /// <summary>
    /// Branch, tag or commit. Default <c>main</c>. A complete cached folder is never refreshed (no request is made),
    /// so pin a commit to know exactly which weights run.
    /// </summary>
    public string Revision { get; set; } = "main";

    /// <summary>The hub's base URL. Default <c>https://huggingface.co</c> (a mirror with the same URL scheme works).</summary>
    public string HubUrl { get; set; } = "https://huggingface.co";

    /// <summary>
    /// Optional access token for gated or private repositories, sent as <c>Authorization: Bearer</c> to the hub only
    /// (never to the CDN it redirects to) and never logged. Default none.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// The cache root; the model lands in <c>{CacheDir}/{owner}--{name}/{revision}</c>.
    /// Default <c>$XDG_CACHE_HOME/florence2</c>, else <c>~/.cache/florence2</c>.
    /// </summary>
    public string CacheDir { get; set; } = DefaultCacheDir();

    /// <summary>
    /// Which ONNX weight variant(s) to fetch, in <see cref="ModelPrecision.Parse"/>'s grammar (<c>fp16</c>, or
    /// <c>fp32;decoder_model_merged=q4</c>). Default <c>fp32</c>.
    /// </summary>
    public string Dtype { get; set; } = "fp32";

    /// <summary>
    /// How long a request may go without receiving anything (connecting, waiting for headers, or between reads of the
    /// body) before it counts as failed. Not a limit on a whole download, which may take many minutes. Default 60.
    /// </summary>
    public int DownloadTimeoutSeconds { get; set; } = 60;

    /// <summary>Download progress is logged at most once per this many seconds per file. Default 5.</summary>
    public int ProgressIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// When true, every cached file is re-hashed at start instead of trusting an unchanged size and modification time
    /// recorded in the cache manifest. Catches silent disk corruption at the cost of reading every byte. Default false.
    /// </summary>
    public bool VerifyOnStart { get; set; }

    /// <summary>Returns one message per invalid setting; empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        string[] repoParts = (Repository ?? "").Split('/');
        if (repoParts.Length != 2 || repoParts.Any(p => p.Length == 0 || p is "." or ".." || p.Contains('\\')))
            errors.Add($"{SectionName}:Repository must be 'owner/name' (got '{Repository}').");
        if (string.IsNullOrWhiteSpace(Revision) || Revision.Split('/').Any(p => p is "" or "." or "..") || Revision.Contains('\\'))
            errors.Add($"{SectionName}:Revision must be a branch, tag or commit (got '{Revision}').");
        if (!Uri.TryCreate(HubUrl, UriKind.Absolute, out var hub) || (hub.Scheme != Uri.UriSchemeHttp && hub.Scheme != Uri.UriSchemeHttps))
            errors.Add($"{SectionName}:HubUrl must be an absolute http(s) URL (got '{HubUrl}').");
        if (string.IsNullOrWhiteSpace(CacheDir))
            errors.Add($"{SectionName}:CacheDir must name a folder.");
        try
        {
            ModelPrecision.Parse(Dtype);
        }
        catch (FormatException ex)
        {
            errors.Add($"{SectionName}:Dtype: {ex.Message}");
        }
        if (DownloadTimeoutSeconds < 1)
            errors.Add($"{SectionName}:DownloadTimeoutSeconds must be at least 1 (got {DownloadTimeoutSeconds}).");
        if (ProgressIntervalSeconds < 1)
            errors.Add($"{SectionName}:ProgressIntervalSeconds must be at least 1 (got {ProgressIntervalSeconds}).");
        return errors;
    }

    internal ModelPrecision Precision => ModelPrecision.Parse(Dtype);

    internal Uri HubBaseUri => new(HubUrl.TrimEnd('/') + "/");

    internal TimeSpan DownloadTimeout => TimeSpan.FromSeconds(DownloadTimeoutSeconds);

    internal TimeSpan ProgressInterval => TimeSpan.FromSeconds(ProgressIntervalSeconds);

    /// <summary>The XDG convention, so the cache sits beside huggingface's and is cleaned by the same tools.</summary>
    private static string DefaultCacheDir()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "florence2");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "florence2");
    }
}
