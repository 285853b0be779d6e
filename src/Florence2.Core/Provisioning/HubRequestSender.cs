using System.Net;
using System.Net.Http.Headers;

namespace Florence2.Provisioning;

/// <summary>
/// Sends one GET to the hub and follows its redirects itself: the hub answers LFS files with a redirect to a CDN whose
/// <c>X-Linked-Etag</c> holds the sha256, a header an automatic redirect would throw away. Following by hand also keeps
/// the <c>Range</c> header on every hop and sends the token only to the hub's own origin, never to the CDN.
/// </summary>
internal sealed class HubRequestSender(HttpClient http, ModelSourceOptions options)
{
    private const int MaxRedirects = 10;

    /// <summary>The final response (headers read, body not yet), a 3xx only if there were too many redirects.</summary>
    public async Task<HubResponse> GetAsync(Uri url, long rangeStart, CancellationToken cancellationToken)
    {
        var current = url;
        string? sha256 = null;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (rangeStart > 0) request.Headers.Range = new RangeHeaderValue(rangeStart, null);
            if (!string.IsNullOrEmpty(options.Token) && IsHubOrigin(current))
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);

            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            // The first hop that names a sha256 wins: the hub's X-Linked-Etag outranks whatever the CDN calls its ETag.
            sha256 ??= HubSha256.FromHeaders(response.Headers);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location || hop == MaxRedirects)
                return new HubResponse(response, sha256);

            response.Dispose();
            current = location.IsAbsoluteUri ? location : new Uri(current, location);
        }
    }

    private bool IsHubOrigin(Uri url) =>
        Uri.Compare(url, options.HubBaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400 && status != HttpStatusCode.NotModified;
}

/// <summary>The response that carries the file (or the error), and the sha256 the hub published on the way.</summary>
internal sealed record HubResponse(HttpResponseMessage Message, string? Sha256) : IDisposable
{
    public void Dispose() => Message.Dispose();
}
