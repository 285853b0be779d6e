using System.Text.Json;

namespace Florence2.Service.Api;

/// <summary>Response JSON: snake_case like the request fields and Python clients, readable task tokens (no \u003C escapes).</summary>
public static class ApiJson
{
    public static WebApplicationBuilder AddFlorence2Json(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        return builder;
    }

    public static void Configure(JsonSerializerOptions options) => Serving.AnswerJson.Apply(options);
}
