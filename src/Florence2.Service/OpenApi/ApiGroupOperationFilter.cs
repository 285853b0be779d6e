using Florence2.Service.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Florence2.Service.OpenApi;

/// <summary>
/// What every <c>/v1</c> operation inherits from its route group rather than from its own metadata: the API-key
/// filter (a security requirement, so Swagger UI's Authorize button sends <c>X-Api-Key</c>, and its 401), the
/// per-client rate limiter (429) and, like every endpoint, problem details for an unexpected failure (500).
/// Health and metrics stay open, as <see cref="ApiKeyFilter"/> leaves them.
/// </summary>
internal sealed class ApiGroupOperationFilter : IOperationFilter
{
    public const string ApiKeyScheme = "ApiKey";

    public static OpenApiSecurityScheme CreateApiKeyScheme() => new()
    {
        Type = SecuritySchemeType.ApiKey,
        In = ParameterLocation.Header,
        Name = ApiKeyFilter.Header,
        Description = "Required when the deployment configures API keys (`Florence2:Security:ApiKeys`); otherwise ignored. " +
            "A missing or unknown key is answered 401.",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) != true) return;

        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] }];
        operation.Responses ??= new OpenApiResponses();
        AddProblem(operation, context, StatusCodes.Status401Unauthorized, "Unauthorized: API keys are on and `X-Api-Key` is missing or unknown.");
        AddProblem(operation, context, StatusCodes.Status429TooManyRequests, "Too Many Requests: this client's rate limit is spent; `Retry-After` says when to retry.");
        AddProblem(operation, context, StatusCodes.Status500InternalServerError, "Internal Server Error: an unexpected failure, logged with the problem's `traceId`.");
    }

    private static void AddProblem(OpenApiOperation operation, OperationFilterContext context, int status, string description)
    {
        // Replaces the endpoint's own 401 (if any): same body, a description that says when.
        operation.Responses![status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        };
    }
}
