using System.Text.Json.Nodes;

namespace Florence2.Service.Tests.Infrastructure;

/// <summary>
/// Checks every answer a test receives against the service's own Swagger document (<see cref="OpenApiContract"/>) and
/// throws <see cref="OpenApiContractException"/> when it breaks it, so the document stays true to what the service
/// sends. The document is fetched once, through the same server, on the first answer; the Swagger files and the
/// playground's page and files are not part of the API and pass unchecked.
/// </summary>
public sealed class OpenApiResponseValidator : DelegatingHandler
{
    public const string DocumentPath = "/swagger/v1/swagger.json";

    private readonly SemaphoreSlim _loading = new(1, 1);
    private OpenApiContract? _contract;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        string path = request.RequestUri!.AbsolutePath;
        if (path.StartsWith("/swagger/", StringComparison.Ordinal) || path == "/swagger"
            || path == "/" || path.StartsWith("/playground/", StringComparison.Ordinal)) return response;

        var contract = await ContractAsync(request.RequestUri, cancellationToken).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? violation = contract.Violation(request.Method.Method, path, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, body) ?? Leak((int)response.StatusCode, body);
        if (violation is null) return response;
        response.Dispose();
        throw new OpenApiContractException(violation);
    }

    /// <summary>
    /// Refusals never show internals: no .NET namespace or type name, no stack frame. (Successful task answers carry
    /// model-written text, which may contain any word, so only refusals are held to this.)
    /// </summary>
    private static string? Leak(int status, string body) =>
        status < 400 ? null
        : body.Contains("System.", StringComparison.Ordinal) ? $"a {status} answer names a .NET type: {body}"
        : body.Contains("   at ", StringComparison.Ordinal) ? $"a {status} answer carries a stack frame: {body}"
        : null;

    private async Task<OpenApiContract> ContractAsync(Uri requestUri, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _contract) is { } loaded) return loaded;
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_contract is not null) return _contract;
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(requestUri, DocumentPath));
            using var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new OpenApiContractException($"{DocumentPath} answered {(int)response.StatusCode}: {text}");
            var contract = new OpenApiContract(JsonNode.Parse(text)!.AsObject());
            Volatile.Write(ref _contract, contract);
            return contract;
        }
        finally
        {
            _loading.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _loading.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>An answer of the service that its Swagger document does not describe.</summary>
public sealed class OpenApiContractException(string message) : Exception(message);
