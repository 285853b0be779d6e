using System.Security.Cryptography;
using System.Text;
using Florence2.Service.Problems;
using Florence2.Service.Configuration;
using Microsoft.Extensions.Options;

namespace Florence2.Service.Security;

/// <summary>
/// When API keys are configured, <c>/v1</c> requests must carry one in <c>X-Api-Key</c> (compared in constant time);
/// otherwise 401 problem details. Keys are never logged.
/// </summary>
public sealed class ApiKeyFilter(IOptions<SecurityOptions> security, ProblemResponder problems) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    private readonly byte[][] _keys = security.Value.ApiKeys.Where(k => !string.IsNullOrEmpty(k)).Select(Encoding.UTF8.GetBytes).ToArray();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_keys.Length == 0) return await next(context).ConfigureAwait(false);
        var http = context.HttpContext;
        string? presented = http.Request.Headers[Header];
        if (presented is not null && IsKnown(Encoding.UTF8.GetBytes(presented)))
            return await next(context).ConfigureAwait(false);
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return problems.Respond(http, new ApiProblemException(StatusCodes.Status401Unauthorized, "Unauthorized",
            presented is null ? "This service requires an API key in the X-Api-Key header." : "The API key is not valid."));
    }

    private bool IsKnown(byte[] presented)
    {
        bool match = false;
        foreach (var key in _keys) match |= CryptographicOperations.FixedTimeEquals(key, presented);
        return match;
    }
}
