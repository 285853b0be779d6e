using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Florence2.Provisioning;

/// <summary>
/// Makes a hub repository's model available in a local folder, like <c>from_pretrained</c>: files already cached and
/// unchanged are used without any request; missing or damaged ones are downloaded (resumably, verified) under a lock
/// that replicas sharing the cache volume respect. Safe to call concurrently, from one process or several.
/// </summary>
public sealed class ModelProvisioner : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Uses its own <see cref="HttpClient"/> from <see cref="CreateHubHttpClient"/>, disposed with this.</summary>
    public ModelProvisioner(ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(CreateHubHttpClient(), logger, timeProvider, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Uses <paramref name="httpClient"/> (not disposed here). It should not follow redirects itself — see
    /// <see cref="CreateHubHttpClient"/> — or the hub's sha256 on its CDN redirect is lost and large files are checked
    /// by size only; its <see cref="HttpClient.Timeout"/> should be infinite (a stall timeout applies instead).
    /// </summary>
    public ModelProvisioner(HttpClient httpClient, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(httpClient, logger, timeProvider, ownsHttpClient: false)
    {
    }

    private ModelProvisioner(HttpClient httpClient, ILogger? logger, TimeProvider? timeProvider, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// An <see cref="HttpClient"/> fit for the hub: redirects left to the provisioner (it reads the sha256 the hub puts
    /// on them, and keeps the token away from the CDN), no overall timeout (downloads take minutes; a stall timeout
    /// from <see cref="ModelSourceOptions.DownloadTimeoutSeconds"/> applies instead).
    /// </summary>
    public static HttpClient CreateHubHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    /// <summary>
    /// Returns <c>{CacheDir}/{owner}--{name}/{revision}</c> once it holds every file <see cref="ModelSourceOptions.Dtype"/>
    /// needs (<see cref="ModelFileSet.For"/>), downloading what is missing or damaged. See <see cref="CachedFileCheck"/>
    /// for what a warm start checks.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists each problem.</exception>
    /// <exception cref="ModelUnavailableException">The hub is unreachable and the folder is incomplete.</exception>
    /// <exception cref="ModelDownloadException">Access denied, no such file/revision, or bytes failing verification twice.</exception>
    public async Task<string> EnsureModelAsync(ModelSourceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));

        string folder = ModelCacheFolder.For(options);
        var files = ModelFileSet.For(options.Precision);
        string dtype = options.Precision.ToString();

        // Fast path without the lock: a complete folder must start even on a read-only volume and makes no request.
        if (!options.VerifyOnStart && IsCompleteWithoutHashing(folder, files))
        {
            ProvisioningLog.CacheComplete(_logger, options.Repository, options.Revision, dtype, folder);
            return folder;
        }

        using var folderLock = await CacheFolderLock.AcquireAsync(folder, _time, _logger, cancellationToken).ConfigureAwait(false);
        // Re-read under the lock: another process may have fetched (some of) the files while this one waited.
        var manifest = DownloadManifest.Load(folder);
        var toFetch = await FindUnusableAsync(folder, files, manifest, options, cancellationToken).ConfigureAwait(false);
        if (toFetch.Count > 0)
        {
            ProvisioningLog.FetchingFiles(_logger, toFetch.Count, options.Repository, options.Revision, dtype, folder);
            await FetchAsync(folder, toFetch, manifest, options, cancellationToken).ConfigureAwait(false);
        }
        ProvisioningLog.ModelReady(_logger, options.Repository, options.Revision, dtype, folder);
        return folder;
    }

    public void Dispose()
    {
        if (_ownsHttpClient) _http.Dispose();
    }

    private static bool IsCompleteWithoutHashing(string folder, IReadOnlyList<string> files)
    {
        var manifest = DownloadManifest.Load(folder);
        return files.All(file =>
            CachedFileCheck.WithoutHashing(ModelCacheFolder.PathOf(folder, file), manifest.Find(file), verifyOnStart: false)
                is { IsValid: true });
    }

    /// <summary>Checks every file (hashing where needed), records adopted/re-verified ones, returns the rest.</summary>
    private async Task<List<MissingModelFile>> FindUnusableAsync(string folder, IReadOnlyList<string> files,
        DownloadManifest manifest, ModelSourceOptions options, CancellationToken cancellationToken)
    {
        var unusable = new List<MissingModelFile>();
        bool manifestChanged = false;
        foreach (string file in files)
        {
            var entry = manifest.Find(file);
            var verdict = await CachedFileCheck.CheckAsync(ModelCacheFolder.PathOf(folder, file), entry, options.VerifyOnStart, cancellationToken)
                .ConfigureAwait(false);
            if (verdict.IsValid)
            {
                if (verdict.EntryToRecord is not { } verified) continue;
                if (entry is null) ProvisioningLog.Adopted(_logger, file, verified.Sha256);
                manifest.Record(file, verified);
                manifestChanged = true;
                continue;
            }
            if (verdict.Problem != "missing") ProvisioningLog.CachedFileUnusable(_logger, file, verdict.Problem!);
            unusable.Add(new MissingModelFile(file, HubFileUrl.For(options, file), verdict.Problem!));
        }
        if (manifestChanged) manifest.Save(folder);
        return unusable;
    }

    private async Task FetchAsync(string folder, List<MissingModelFile> toFetch, DownloadManifest manifest,
        ModelSourceOptions options, CancellationToken cancellationToken)
    {
        var downloader = new HubFileDownloader(new HubRequestSender(_http, options), options, _time, _logger);
        for (int i = 0; i < toFetch.Count; i++)
        {
            string file = toFetch[i].RelativePath;
            string target = ModelCacheFolder.PathOf(folder, file);
            ManifestEntry verified;
            try
            {
                verified = await downloader.DownloadAsync(file, target, cancellationToken).ConfigureAwait(false);
            }
            catch (HubUnreachableException ex)
            {
                throw new ModelUnavailableException(
                    $"{options.Repository}@{options.Revision} ({options.Precision})", folder, toFetch[i..], ex.Message, ex.InnerException);
            }
            // Manifest first, then the rename: a file in place always has its entry, so one without an entry was put
            // there by someone else (and is adopted), and a crash in between leaves a partial that is simply resumed.
            manifest.Record(file, verified);
            manifest.Save(folder);
            File.Move(HubFileDownloader.PartialPathOf(target), target, overwrite: true);
        }
    }
}
