using System.Net.Http.Headers;

namespace Florence2.Provisioning;

/// <summary>
/// Reads the sha256 the hub publishes for LFS files. The hub puts it in <c>X-Linked-Etag</c> on its redirect to the
/// CDN (and in <c>ETag</c> when it serves the file itself); small non-LFS files carry a git blob sha1 (40 hex) instead,
/// and CDNs often send an MD5 — neither is a sha256, so only a 64-hex value counts.
/// </summary>
internal static class HubSha256
{
    public const string LinkedEtagHeader = "X-Linked-Etag";

    /// <summary>The lower-case sha256 in an ETag value (<c>"abc…"</c>, <c>W/"abc…"</c> or bare), or null.</summary>
    public static string? FromEtag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        string value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.OrdinalIgnoreCase)) value = value[2..];
        value = value.Trim('"');
        return value.Length == 64 && value.All(Uri.IsHexDigit) ? value.ToLowerInvariant() : null;
    }

    /// <summary>The sha256 from <c>X-Linked-Etag</c>, else from <c>ETag</c>, of one response; null when neither holds one.</summary>
    public static string? FromHeaders(HttpResponseHeaders headers)
    {
        if (headers.TryGetValues(LinkedEtagHeader, out var linked))
        {
            string? sha = FromEtag(linked.FirstOrDefault());
            if (sha is not null) return sha;
        }
        return FromEtag(headers.ETag?.ToString());
    }
}
