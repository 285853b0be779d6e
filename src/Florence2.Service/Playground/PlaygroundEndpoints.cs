using Florence2.Service.Configuration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Playground;

/// <summary>
/// The playground at <c>/</c>: one HTML page, its script and its style sheet, embedded in the service (nothing is
/// fetched from elsewhere; it works offline) and served under a strict Content-Security-Policy. It calls the API like
/// any client: <c>GET /v1/tasks</c>, then <c>POST /v1/tasks/{task}</c>. <c>Florence2:Service:Playground=false</c>
/// turns it off (then <c>/</c> is a 404). Not part of the API, so not in the OpenAPI document.
/// </summary>
public static class PlaygroundEndpoints
{
    /// <summary>Only this service's own files and API; images are read from the user's disk through blobs.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
        "base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapPlaygroundApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<ServiceOptions>>().Value.Playground) return app;
        var page = PlaygroundAsset.Load("index.html", "text/html; charset=utf-8");
        var script = PlaygroundAsset.Load("playground.js", "text/javascript; charset=utf-8");
        var style = PlaygroundAsset.Load("playground.css", "text/css; charset=utf-8");
        app.MapGet("/", (HttpContext context) => Serve(context, page)).WithName("Playground").ExcludeFromDescription();
        app.MapGet("/playground/playground.js", (HttpContext context) => Serve(context, script)).ExcludeFromDescription();
        app.MapGet("/playground/playground.css", (HttpContext context) => Serve(context, style)).ExcludeFromDescription();
        return app;
    }

    private static FileContentHttpResult Serve(HttpContext context, PlaygroundAsset asset)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        return TypedResults.File(asset.Content, asset.ContentType, entityTag: asset.EntityTag);
    }
}

/// <summary>One embedded file of the playground, read once at start-up.</summary>
internal sealed record PlaygroundAsset(byte[] Content, string ContentType, Microsoft.Net.Http.Headers.EntityTagHeaderValue EntityTag)
{
    public static PlaygroundAsset Load(string name, string contentType)
    {
        string resource = "Florence2.Service.Playground." + name;
        using var stream = typeof(PlaygroundAsset).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The playground file {resource} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        byte[] content = copy.ToArray();
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))[..16];
        return new PlaygroundAsset(content, contentType, new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{hash}\""));
    }
}
