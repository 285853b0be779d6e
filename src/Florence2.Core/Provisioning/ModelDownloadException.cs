using System.Net;

namespace Florence2.Provisioning;

/// <summary>
/// The hub answered but the file cannot be had: access denied (401/403), no such file or revision (404), another
/// unexpected status, or the bytes failed verification twice.
/// </summary>
public sealed class ModelDownloadException(string message, string relativePath, Uri sourceUrl, HttpStatusCode? statusCode = null, Exception? inner = null)
    : ModelProvisioningException(message, inner)
{
    /// <summary>The file being fetched, relative to the model folder.</summary>
    public string RelativePath { get; } = relativePath;

    /// <summary>The hub URL it was fetched from.</summary>
    public Uri SourceUrl { get; } = sourceUrl;

    /// <summary>The HTTP status that ended the download, when one did.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
